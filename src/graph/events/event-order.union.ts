import { createUnionType } from 'type-graphql';
import { Order } from '../orders/order.type.js';
import { PortalOrder } from '../portal-orders/portal-order.type.js';

/** The mappers build class instances, so the class tells the two apart. */
export const resolveEventOrderType = (value: unknown): 'Order' | 'PortalOrder' =>
  value instanceof PortalOrder ? 'PortalOrder' : 'Order';

export const EventOrder = createUnionType({
  name: 'EventOrder',
  description:
    'The order an event is about: a ticket order (Channel Manager) or a portal order (PartnerPortal). Select ' +
    'fields with `... on Order { … }` and `... on PortalOrder { … }`.',
  types: () => [Order, PortalOrder] as const,
  resolveType: resolveEventOrderType,
});
