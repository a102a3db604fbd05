import { Migration } from '@mikro-orm/migrations';

export class Migration20261124230000CreateOrders extends Migration {
  override up(): void {
    this.addSql(`create table "orders" (
      "id" uuid not null,
      "user_id" uuid not null,
      "status" varchar(16) not null default 'pending',
      "currency" varchar(3) not null,
      "items" jsonb not null,
      "total" bigint not null,
      "version" int not null default 1,
      "created_at" timestamptz(3) not null,
      "updated_at" timestamptz(3) not null,
      primary key ("id"));`);
    this.addSql(`create index "orders_user_id_created_at_id_index" on "orders" ("user_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "orders_created_at_id_index" on "orders" ("created_at" desc, "id" desc);`);
    this.addSql(`create index "orders_status_created_at_id_index" on "orders" ("status", "created_at" desc, "id" desc);`);

    this.addSql(`create table "order_idempotency_keys" (
      "user_id" uuid not null,
      "key" varchar(128) not null,
      "request_hash" varchar(64) not null,
      "order_id" uuid not null,
      "created_at" timestamptz(3) not null,
      primary key ("user_id", "key"));`);
    this.addSql(`alter table "order_idempotency_keys" add constraint "order_idempotency_keys_order_id_foreign"
      foreign key ("order_id") references "orders" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "order_idempotency_keys";`);
    this.addSql(`drop table if exists "orders";`);
  }
}
