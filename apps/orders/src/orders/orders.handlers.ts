import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CancelOrderRequest,
  ChangeOrderStatusRequest,
  CreateOrderRequest,
  GetOrderRequest,
  GetOrdersRequest,
  ListOrdersRequest,
  OrdersRpc,
  type CreateOrderResult,
  type OrderView,
  type Page,
} from '@plinth/contracts';
import { OrdersService } from './orders.service.js';

/** The `orders.rpc` surface: validated contract DTO in, contract DTO out; the use cases live in the service. */
@Controller()
export class OrdersHandlers {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(OrdersRpc.create)
  create(@Payload() request: CreateOrderRequest): Promise<CreateOrderResult> {
    return this.orders.create(request);
  }

  @MessagePattern(OrdersRpc.get)
  get(@Payload() request: GetOrderRequest): Promise<OrderView> {
    return this.orders.get(request);
  }

  @MessagePattern(OrdersRpc.getMany)
  getMany(@Payload() request: GetOrdersRequest): Promise<OrderView[]> {
    return this.orders.getMany(request);
  }

  @MessagePattern(OrdersRpc.list)
  list(@Payload() request: ListOrdersRequest): Promise<Page<OrderView>> {
    return this.orders.list(request);
  }

  @MessagePattern(OrdersRpc.cancel)
  cancel(@Payload() request: CancelOrderRequest): Promise<OrderView> {
    return this.orders.cancel(request);
  }

  @MessagePattern(OrdersRpc.changeStatus)
  changeStatus(@Payload() request: ChangeOrderStatusRequest): Promise<OrderView> {
    return this.orders.changeStatus(request);
  }
}
