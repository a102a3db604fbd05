import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AdjustStockBody,
  CatalogRpc,
  CreateProductBody,
  ListProductsRequest,
  ProductView,
  Roles as RoleNames,
  UpdateProductBody,
  type Actor,
  type Page,
} from '@plinth/contracts';
import { Public, Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { ProductPageModel } from '../http/openapi.models.js';
import { etagOf, IF_MATCH_HEADER, IfMatchVersion } from '../http/request-headers.decorators.js';
import { ServiceClient } from '../http/service-client.js';
import { GatewayConfig } from '../config.js';
import { ProductReader } from './product-reader.js';
import { answeredNotModified, contentEtag, IF_NONE_MATCH_HEADER } from './conditional-get.js';
import { toProductView } from './product-view.mapper.js';
import { SkuParam } from './sku-param.decorator.js';

const VERSION_ETAG = { ETag: { description: 'Product version, for If-Match and If-None-Match', schema: { type: 'string', pattern: '^"[1-9][0-9]*"$', example: '"1"' } } };
const PUBLIC_CACHE = { 'Cache-Control': { description: 'public, max-age=… (PRODUCTS_MAX_AGE_SECONDS)', schema: { type: 'string', example: 'public, max-age=10' } } };
const NOT_MODIFIED = { status: 304, description: 'The representation named by If-None-Match is still current (no body)' };

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(
    private readonly rpc: ServiceClient,
    private readonly config: GatewayConfig,
    private readonly reader: ProductReader,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The catalog, in sku order (keyset pages)' })
  @ApiHeader(IF_NONE_MATCH_HEADER)
  @ApiOkResponse({ type: ProductPageModel, headers: { ETag: { description: 'Weak ETag of the page', schema: { type: 'string' } }, ...PUBLIC_CACHE } })
  @ApiResponse(NOT_MODIFIED)
  async list(@Query() query: ListProductsRequest, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Page<ProductView> | undefined> {
    const page = await this.rpc.send<Page<ProductView>>(CatalogRpc.list, { limit: query.limit, cursor: query.cursor });
    const body = { items: page.items.map(toProductView), nextCursor: page.nextCursor };
    return answeredNotModified(request, response, contentEtag(body), this.config.PRODUCTS_MAX_AGE_SECONDS) ? undefined : body;
  }

  @Get(':sku')
  @Public()
  @ApiOperation({ summary: 'One product' })
  @ApiHeader(IF_NONE_MATCH_HEADER)
  @ApiOkResponse({ type: ProductView, headers: { ...VERSION_ETAG, ...PUBLIC_CACHE } })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems(404)
  async get(@SkuParam() sku: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ProductView | undefined> {
    const product = toProductView(await this.reader.one(sku));
    return answeredNotModified(request, response, etagOf(product.version), this.config.PRODUCTS_MAX_AGE_SECONDS) ? undefined : product;
  }

  @Post()
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Add a product (admin)' })
  @ApiCreatedResponse({
    type: ProductView,
    headers: { ...VERSION_ETAG, Location: { description: 'Path of the product', schema: { type: 'string', example: '/v1/products/SKU-1' } } },
  })
  @ApiProblems(409)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateProductBody, @Res({ passthrough: true }) response: Response): Promise<ProductView> {
    const product = await this.rpc.send<ProductView>(CatalogRpc.create, { actor, ...body });
    response.location(`/v1/products/${encodeURIComponent(product.sku)}`);
    return this.withEtag(response, product);
  }

  @Patch(':sku')
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Change a product\'s name, description or price (admin)' })
  @ApiHeader({ ...IF_MATCH_HEADER, description: 'ETag of the product as last seen, e.g. "3" (`*` = any version); refused with 412 if it changed since' })
  @ApiOkResponse({ type: ProductView, headers: VERSION_ETAG })
  @ApiProblems(404, 412)
  async update(
    @CurrentActor() actor: Actor,
    @SkuParam() sku: string,
    @Body() body: UpdateProductBody,
    @IfMatchVersion() expectedVersion: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProductView> {
    const product = await this.rpc.send<ProductView>(CatalogRpc.update, {
      actor, sku, expectedVersion, name: body.name, description: body.description, unitPrice: body.unitPrice,
    });
    return this.withEtag(response, product);
  }

  @Post(':sku/stock')
  @HttpCode(HttpStatus.OK)
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Restock (positive delta) or write off (negative) units; never below the reserved ones (admin)' })
  @ApiOkResponse({ type: ProductView, headers: VERSION_ETAG })
  @ApiProblems(404, 409)
  async adjustStock(@CurrentActor() actor: Actor, @SkuParam() sku: string, @Body() body: AdjustStockBody, @Res({ passthrough: true }) response: Response): Promise<ProductView> {
    return this.withEtag(response, await this.rpc.send<ProductView>(CatalogRpc.adjustStock, { actor, sku, delta: body.delta }));
  }

  private withEtag(response: Response, product: ProductView): ProductView {
    response.setHeader('ETag', etagOf(product.version));
    return toProductView(product);
  }
}
