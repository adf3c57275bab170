import { connectionTypes } from '../common/connection.js';
import { PortalOrder } from './portal-order.type.js';

export const PortalOrderConnection = connectionTypes('PortalOrder', PortalOrder, 'portal order');
