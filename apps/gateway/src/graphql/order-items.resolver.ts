import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { toProductView } from '../products/product-view.mapper.js';
import { BatchLoaders } from './batch-loaders.js';
import type { GraphqlRequestContext } from './graphql-context.js';
import { OrderItemModel, ProductModel } from './graphql.models.js';

/** An order line's product as the catalog has it now (its price may have changed since: the line keeps its own). */
@Resolver(() => OrderItemModel)
export class OrderItemsResolver {
  constructor(private readonly loaders: BatchLoaders) {}

  @ResolveField('product', () => ProductModel, { nullable: true, description: 'The product now (null if the catalog no longer has it); batched per request' })
  async product(@Parent() item: OrderItemModel, @Context() context: GraphqlRequestContext): Promise<ProductModel | null> {
    const product = await this.loaders.products.of(context).load(item.sku);
    return product ? toProductView(product) : null;
  }
}
