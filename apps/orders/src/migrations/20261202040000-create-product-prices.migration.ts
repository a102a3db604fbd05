import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040000CreateProductPrices extends Migration {
  override up(): void {
    this.addSql(`create table "product_prices" (
      "sku" varchar(64) not null,
      "currency" varchar(3) not null,
      "unit_price" int not null,
      "version" int not null,
      primary key ("sku"));`);
  }

  override down(): void {
    this.addSql(`drop table if exists "product_prices";`);
  }
}
