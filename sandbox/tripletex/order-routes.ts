// GET /order (orderDateFrom/To required, To exclusive; brief §6.1) and GET /order/{id}.
import { notFound } from './api-error';
import { boolParam, dateParam, intListParam } from './query';
import { authOf, list, resolve, single, type Route } from './route-context';

export const orderRoutes: Route[] = [
  {
    method: 'GET', path: '/order', access: 'invoice', model: 'Order',
    handler: (ctx) => {
      const q = ctx.req.query;
      const from = dateParam(q, 'orderDateFrom', true);
      const to = dateParam(q, 'orderDateTo', true);
      const ids = intListParam(q, 'id');
      const customerIds = intListParam(q, 'customerId');
      const isClosed = boolParam(q, 'isClosed');
      const rows = ctx.store.ordersOf(authOf(ctx).company.id).filter((o) =>
        o.orderDate >= from && o.orderDate < to &&
        (ids === undefined || ids.includes(o.id)) &&
        (q.number === undefined || q.number === '' || o.number === q.number) &&
        (customerIds === undefined || customerIds.includes(o.customerId)) &&
        (isClosed === undefined || o.isClosed === isClosed) &&
        // "Containing" (brief §8).
        (q.deliveryComment === undefined || o.deliveryComment.includes(q.deliveryComment)));
      return list(ctx, 'Order', rows.map((o) => o.id));
    },
  },
  {
    method: 'GET', path: '/order/{id}', access: 'invoice', model: 'Order',
    handler: (ctx) => {
      const full = resolve(ctx, 'Order', Number(ctx.req.params.id));
      if (!full) throw notFound('Order');
      return single(ctx, 'Order', full);
    },
  },
];
