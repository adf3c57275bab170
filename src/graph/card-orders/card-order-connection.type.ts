import { connectionTypes } from '../common/connection.js';
import { CardOrder } from './card-order.type.js';

export const CardOrderConnection = connectionTypes('CardOrder', CardOrder, 'card order');
