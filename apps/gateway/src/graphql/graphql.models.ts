// The GraphQL object types: the same response shapes as REST (contracts' views), declared for the
// code-first schema. Field lists are allow-lists like the REST mappers; nothing else is exposed.
import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from './json-object.scalar.js';

export enum OrderStatusValue {
  pending = 'pending',
  confirmed = 'confirmed',
  shipped = 'shipped',
  delivered = 'delivered',
  cancelled = 'cancelled',
}
registerEnumType(OrderStatusValue, { name: 'OrderStatus' });

@ObjectType('User', { description: 'A user profile (users service).' })
export class UserModel {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() displayName: string;
  @Field({ description: 'The owner proved the address (POST /v1/auth/email/verify)' }) emailVerified: boolean;
  @Field({ description: 'ISO 8601' }) createdAt: string;
  @Field({ description: 'ISO 8601' }) updatedAt: string;
}

@ObjectType('OrderItem')
export class OrderItemModel {
  @Field() sku: string;
  @Field(() => Int) quantity: number;
  @Field(() => Int, { description: 'Minor units' }) unitPrice: number;
}

@ObjectType('Order')
export class OrderModel {
  @Field(() => ID) id: string;
  @Field(() => ID) userId: string;
  @Field(() => OrderStatusValue) status: OrderStatusValue;
  @Field() currency: string;
  @Field(() => [OrderItemModel]) items: OrderItemModel[];
  @Field(() => Int, { description: 'Sum of quantity × unitPrice, minor units' }) total: number;
  @Field(() => Int, { description: 'Optimistic-lock version' }) version: number;
  @Field({ description: 'ISO 8601' }) createdAt: string;
  @Field({ description: 'ISO 8601' }) updatedAt: string;
}

@ObjectType('Product', { description: 'A product of the catalog (catalog service); prices in minor units.' })
export class ProductModel {
  @Field() sku: string;
  @Field() name: string;
  @Field({ description: 'Empty when none was given' }) description: string;
  @Field() currency: string;
  @Field(() => Int, { description: 'Minor units' }) unitPrice: number;
  @Field(() => Int, { description: 'Units on hand (reserved ones included)' }) stock: number;
  @Field(() => Int, { description: 'Units held by confirmed orders; stock − reserved can be ordered' }) reserved: number;
  @Field(() => Int, { description: 'Bumped on every change by an admin' }) version: number;
  @Field({ description: 'ISO 8601' }) updatedAt: string;
}

@ObjectType('Notification')
export class NotificationModel {
  @Field(() => ID) id: string;
  @Field() type: string;
  @Field() title: string;
  @Field() body: string;
  @Field() read: boolean;
  @Field({ description: 'ISO 8601' }) createdAt: string;
  @Field(() => GraphQLJSONObject, { description: 'Event-specific references, e.g. orderId' }) data: Record<string, unknown>;
}

@ObjectType('Preferences')
export class PreferencesModel {
  @Field() emailNotifications: boolean;
}

@ObjectType('PageInfo', { description: 'Relay page info over the services\' keyset cursors (forward paging only).' })
export class PageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor: string | null;
}
