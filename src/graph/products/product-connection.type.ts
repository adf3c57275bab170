import { connectionTypes } from '../common/connection.js';
import { Product } from './product.type.js';

export const ProductConnection = connectionTypes('Product', Product, 'product');
