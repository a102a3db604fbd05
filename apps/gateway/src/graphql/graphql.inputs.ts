// GraphQL input types over the contracts' REST bodies: each extends the body class, so class-validator checks the
// very same rules (the global ValidationPipe runs on @Args as on @Body); only the schema fields are declared here.
import { Field, InputType, Int } from '@nestjs/graphql';
import { CreateOrderBody, OrderItemInput, UpdatePreferencesBody, UpdateProfileBody } from '@plinth/contracts';

@InputType('OrderItemInput')
export class OrderItemGraphqlInput extends OrderItemInput {
  @Field() override sku: string;
  @Field(() => Int) override quantity: number;
  @Field(() => Int, { description: 'Minor units' }) override unitPrice: number;
}

@InputType('PlaceOrderInput')
export class PlaceOrderInput extends CreateOrderBody {
  @Field({ description: 'ISO 4217 currency code' }) override currency: string;
  @Field(() => [OrderItemGraphqlInput]) override items: OrderItemGraphqlInput[];
}

@InputType('UpdateProfileInput')
export class UpdateProfileInput extends UpdateProfileBody {
  @Field() override displayName: string;
}

@InputType('UpdatePreferencesInput')
export class UpdatePreferencesInput extends UpdatePreferencesBody {
  @Field({ description: 'Email every new notification to the account address' }) override emailNotifications: boolean;
}
