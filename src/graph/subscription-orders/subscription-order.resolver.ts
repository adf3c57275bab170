import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { badInputFromUserErrors, orderRequestFromInput } from '../../vendors/partnerorders/mappers.js';
import { UserErrorCode, userError } from '../common/user-error.type.js';
import type { UserError } from '../common/user-error.type.js';
import { validateInput } from '../common/validate-input.js';
import { SubscriptionOrderPreview } from './subscription-order-preview.type.js';
import { SubscriptionOrderInput } from './subscription-order.input.js';
import { SubscriptionOrderPayload } from './subscription-order.payload.js';
import { SubscriptionOrder } from './subscription-order.type.js';

const MAX_IDEMPOTENCY_KEY = 255;

function idempotencyKeyProblems(key: string): UserError[] {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(key)) {
    return [
      userError(
        UserErrorCode.VALIDATION,
        `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters without spaces (a UUID is a good choice)`,
        ['idempotencyKey'],
      ),
    ];
  }
  return [];
}

@Resolver(() => SubscriptionOrder)
export class SubscriptionOrderResolver {
  @Query(() => SubscriptionOrderPreview, {
    description:
      'Prices a subscription order with Partner Orders without placing it: totals, lines and the billing ' +
      'schedule of the first 12 months. Creates and charges nothing. Input problems (also an unknown plan) are ' +
      'a BAD_USER_INPUT error naming the field. Null, with the error at this field, when it cannot be priced ' +
      '(also while Partner Orders cannot answer: UPSTREAM_UNAVAILABLE).',
    nullable: true,
  })
  async subscriptionOrderPreview(
    @Arg('input', () => SubscriptionOrderInput, { description: 'The order to price.' })
    input: SubscriptionOrderInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubscriptionOrderPreview> {
    const problems = await validateInput('input', input);
    if (problems.length > 0) throw badInputFromUserErrors(problems);
    return ctx.partnerOrders.commands.preview(orderRequestFromInput(input));
  }

  @Mutation(() => SubscriptionOrderPayload, {
    description:
      'Places a subscription order with Partner Orders: one new subscription, billed at once. Exactly once per ' +
      'idempotencyKey: a repeat with the same key and input answers the first order (also while the first is ' +
      'still under way, or after its answer was lost on the way to you); the same key with another input is a ' +
      'DUPLICATE user error. After an UPSTREAM_UNAVAILABLE error, retry with the same key: the retry places the ' +
      'order when the first attempt certainly placed none (e.g. the billing provider failed), and is an ' +
      'INVALID_STATE user error when the first attempt lost its answer, so whether it placed the order is ' +
      'unknown (it is never sent twice).',
  })
  async submitSubscriptionOrder(
    @Arg('input', () => SubscriptionOrderInput, { description: 'The order.' }) input: SubscriptionOrderInput,
    @Arg('idempotencyKey', () => String, {
      description:
        'Your unique key for this order (e.g. a UUID), 1 to 255 printable characters: send the same key when ' +
        'you retry. Keys belong to your API key and are kept indefinitely.',
    })
    idempotencyKey: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubscriptionOrderPayload> {
    const problems = [...(await validateInput('input', input)), ...idempotencyKeyProblems(idempotencyKey)];
    if (problems.length > 0) return { order: null, userErrors: problems };
    return ctx.partnerOrders.commands.submit(orderRequestFromInput(input), {
      keyId: ctx.caller.keyId,
      idempotencyKey,
    });
  }
}
