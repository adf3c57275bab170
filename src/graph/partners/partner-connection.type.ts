import { connectionTypes } from '../common/connection.js';
import { Partner } from './partner.type.js';

export const PartnerConnection = connectionTypes('Partner', Partner, 'partner');
