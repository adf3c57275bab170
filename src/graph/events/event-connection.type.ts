import { connectionTypes } from '../common/connection.js';
import { GatewayEvent } from './event.type.js';

export const EventConnection = connectionTypes('Event', GatewayEvent, 'event');
