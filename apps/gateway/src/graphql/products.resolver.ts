import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { CatalogRpc, ListProductsRequest, type Page, type ProductView } from '@plinth/contracts';
import { Public } from '../access/access-policy.decorators.js';
import { ServiceClient } from '../http/service-client.js';
import { ProductReader } from '../products/product-reader.js';
import { toProductView } from '../products/product-view.mapper.js';
import { skuPipe } from '../products/sku-param.decorator.js';
import { connectionOf, connectionType, validatedQuery, type Connection } from './graphql-connections.js';
import { ProductModel } from './graphql.models.js';

const ProductConnection = connectionType(ProductModel, 'Product');

/** The catalog, public as on REST: the same reads as ProductsController's (one product through the shared cache). */
@Resolver(() => ProductModel)
export class ProductsResolver {
  constructor(
    private readonly rpc: ServiceClient,
    private readonly reader: ProductReader,
  ) {}

  @Query(() => ProductConnection, { description: 'The catalog in sku order (public)' })
  @Public()
  async products(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<Connection<ProductModel>> {
    const { limit, cursor } = validatedQuery(ListProductsRequest, { limit: first, cursor: after });
    return connectionOf(await this.rpc.send<Page<ProductView>>(CatalogRpc.list, { limit, cursor }), toProductView);
  }

  @Query(() => ProductModel, { nullable: true, description: 'One product (public); null with CATALOG.NOT_FOUND when there is none' })
  @Public()
  async product(@Args('sku', skuPipe) sku: string): Promise<ProductModel> {
    return toProductView(await this.reader.one(sku));
  }
}
