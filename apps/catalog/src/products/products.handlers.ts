import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AdjustStockRequest,
  CatalogRpc,
  CreateProductRequest,
  GetProductRequest,
  GetProductsRequest,
  ListProductsRequest,
  UpdateProductRequest,
  type Page,
  type ProductView,
} from '@plinth/contracts';
import { ProductsService } from './products.service.js';

/** The `catalog.rpc` surface: validated contract DTO in, contract DTO out; the use cases live in the service. */
@Controller()
export class ProductsHandlers {
  constructor(private readonly products: ProductsService) {}

  // Public reads: anonymous shoppers, and orders filling its price read model at start (no end user behind it).
  @MessagePattern(CatalogRpc.list)
  @WithoutAccessToken()
  list(@Payload() request: ListProductsRequest): Promise<Page<ProductView>> {
    return this.products.list(request);
  }

  @MessagePattern(CatalogRpc.get)
  @WithoutAccessToken()
  get(@Payload() request: GetProductRequest): Promise<ProductView> {
    return this.products.get(request);
  }

  @MessagePattern(CatalogRpc.getMany)
  @WithoutAccessToken()
  getMany(@Payload() request: GetProductsRequest): Promise<ProductView[]> {
    return this.products.getMany(request);
  }

  @MessagePattern(CatalogRpc.create)
  create(@Payload() request: CreateProductRequest): Promise<ProductView> {
    return this.products.create(request);
  }

  @MessagePattern(CatalogRpc.update)
  update(@Payload() request: UpdateProductRequest): Promise<ProductView> {
    return this.products.update(request);
  }

  @MessagePattern(CatalogRpc.adjustStock)
  adjustStock(@Payload() request: AdjustStockRequest): Promise<ProductView> {
    return this.products.adjustStock(request);
  }
}
