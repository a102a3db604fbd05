// RPC handlers of the test 'calc' service: one per outcome the transport must carry back.
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import { ApplicationError } from '@plinth/contracts';
import { AddRequest, CalcRpc, SleepRequest } from './test-contracts.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
export class CalcHandlers {
  @MessagePattern(CalcRpc.add)
  add(@Payload() request: AddRequest): { sum: number; isInstance: boolean } {
    return { sum: request.a + request.b, isInstance: request instanceof AddRequest };
  }

  @MessagePattern(CalcRpc.sleep)
  async sleep(@Payload() request: SleepRequest): Promise<{ slept: number }> {
    await sleep(request.ms);
    return { slept: request.ms };
  }

  @MessagePattern(CalcRpc.refuse)
  refuse(): never {
    throw new ApplicationError('CALC.REFUSED', 'Refusing on purpose', { limit: 3 });
  }

  @MessagePattern(CalcRpc.crash)
  crash(): never {
    throw new Error('password=hunter2 leaked into an error');
  }

  @MessagePattern(CalcRpc.requestId)
  requestId(@Ctx() context: RmqContext): { requestId: unknown } {
    return { requestId: (context.getMessage() as { properties: { headers?: Record<string, unknown> } }).properties.headers?.['x-request-id'] };
  }
}
