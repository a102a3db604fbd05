import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040000CreateCatalog extends Migration {
  override up(): void {
    // The checks are the last line of defence of "never oversold": no statement can commit more reserved than on hand.
    this.addSql(`create table "products" (
      "sku" varchar(64) not null,
      "name" varchar(200) not null,
      "description" varchar(2000) not null default '',
      "currency" varchar(3) not null,
      "unit_price" int not null,
      "stock" int not null,
      "reserved" int not null default 0,
      "version" int not null default 1,
      "created_at" timestamptz(3) not null,
      "updated_at" timestamptz(3) not null,
      constraint "products_stock_covers_reserved" check ("reserved" >= 0 and "reserved" <= "stock"),
      constraint "products_unit_price_non_negative" check ("unit_price" >= 0),
      primary key ("sku"));`);

    this.addSql(`create table "stock_reservations" (
      "order_id" uuid not null,
      "status" varchar(16) not null,
      "lines" jsonb not null,
      "created_at" timestamptz(3) not null,
      "updated_at" timestamptz(3) not null,
      primary key ("order_id"));`);
  }

  override down(): void {
    this.addSql(`drop table if exists "stock_reservations";`);
    this.addSql(`drop table if exists "products";`);
  }
}
