import { connectionTypes } from '../common/connection.js';
import { Order } from './order.type.js';

export const OrderConnection = connectionTypes('Order', Order, 'ticket order');
