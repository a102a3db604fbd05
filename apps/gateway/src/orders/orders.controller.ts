import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ApplicationError,
  ChangeOrderStatusBody,
  CreateOrderBody,
  ErrorCodes,
  isAdmin,
  ListOrdersQuery,
  OrdersRpc,
  OrderView,
  Roles as RoleNames,
  type Actor,
  type CreateOrderResult,
  type Page,
} from '@plinth/contracts';
import { ServiceClient } from '../http/service-client.js';
import { Authenticated, Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { OrderPageModel } from '../http/openapi.models.js';
import { pageOf } from '../http/page.js';
import { etagOf, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatchVersion } from '../http/request-headers.decorators.js';
import { UuidParam } from '../http/uuid-param.decorator.js';
import { toOrderView } from './order-view.mapper.js';

const ETAG_HEADER = { ETag: { description: 'Order version, for If-Match', schema: { type: 'string', pattern: '^"[1-9][0-9]*"$', example: '"1"' } } };

@ApiTags('orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly rpc: ServiceClient) {}

  @Post()
  @Authenticated()
  @ApiOperation({
    summary: 'Place an order; safe to retry with the same Idempotency-Key',
    description: 'Lines are priced by the server from the catalog; a `unitPrice` the client sends is an assertion of the current price (409 ORDERS.PRICE_CHANGED otherwise). Unknown sku or a product in another currency: 422. The order starts `pending`; the stock saga makes it `confirmed` or `rejected`.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({
    type: OrderView,
    headers: {
      ...ETAG_HEADER,
      Location: { description: 'Path of the order', schema: { type: 'string', example: '/v1/orders/00000000-0000-4000-8000-000000000000' } },
      'Idempotent-Replayed': { description: 'Present when an earlier request with this key created the order', required: false, schema: { type: 'string', enum: ['true'] } },
    },
  })
  @ApiProblems(409, 422)
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateOrderBody,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    const { order, replayed } = await this.rpc.send<CreateOrderResult>(OrdersRpc.create, {
      actor,
      currency: body.currency,
      items: body.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      idempotencyKey,
    });
    response.location(`/v1/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return this.withEtag(response, order);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The caller\'s orders, newest first (admins: everyone\'s, or one user\'s with ?userId)' })
  @ApiOkResponse({ type: OrderPageModel })
  @ApiProblems(403)
  async list(@CurrentActor() actor: Actor, @Query() query: ListOrdersQuery): Promise<Page<OrderView>> {
    if (query.userId !== undefined && !isAdmin(actor)) {
      throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only admins may list the orders of another user (userId).');
    }
    const page = await this.rpc.send<Page<OrderView>>(OrdersRpc.list, {
      actor,
      limit: query.limit,
      cursor: query.cursor,
      status: query.status,
      userId: query.userId,
    });
    return pageOf(page, toOrderView);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'One order' })
  @ApiOkResponse({ type: OrderView, headers: ETAG_HEADER })
  @ApiProblems(404)
  async get(
    @CurrentActor() actor: Actor,
    @UuidParam('id') orderId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    return this.withEtag(response, await this.rpc.send<OrderView>(OrdersRpc.get, { actor, orderId }));
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({ summary: 'Cancel a pending or confirmed order' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: OrderView, headers: ETAG_HEADER })
  @ApiProblems(404, 409)
  async cancel(
    @CurrentActor() actor: Actor,
    @UuidParam('id') orderId: string,
    @IfMatchVersion() expectedVersion: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    return this.withEtag(response, await this.rpc.send<OrderView>(OrdersRpc.cancel, { actor, orderId, expectedVersion }));
  }

  @Post(':id/status')
  @HttpCode(HttpStatus.OK)
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Advance an order\'s status (admin)' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: OrderView, headers: ETAG_HEADER })
  @ApiProblems(404, 409)
  async changeStatus(
    @CurrentActor() actor: Actor,
    @UuidParam('id') orderId: string,
    @Body() body: ChangeOrderStatusBody,
    @IfMatchVersion() expectedVersion: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    const order = await this.rpc.send<OrderView>(OrdersRpc.changeStatus, { actor, orderId, status: body.status, expectedVersion });
    return this.withEtag(response, order);
  }

  private withEtag(response: Response, order: OrderView): OrderView {
    response.setHeader('ETag', etagOf(order.version));
    return toOrderView(order);
  }
}
