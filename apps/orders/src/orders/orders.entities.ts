import type { EntityClass } from '@mikro-orm/core';
import { OrderIdempotencyKey } from './order-idempotency-key.entity.js';
import { Order } from './order.entity.js';
import { ProductPrice } from '../prices/product-price.entity.js';

/** This service's own ORM entities (the outbox/inbox ones come from @plinth/messaging). */
export const ordersEntities: EntityClass<object>[] = [Order, OrderIdempotencyKey, ProductPrice];
