// PUT /token/session/:create (no auth, brief §1) and GET /token/session/>whoAmI.
import { applyFields, parseFields, validateSelection } from './fields-filter';
import { createSerializer, sessionObj, whoAmIObj } from './models';
import { createSession } from './auth';
import { authOf, single, type Route } from './route-context';

export const sessionRoutes: Route[] = [
  {
    method: 'PUT', path: '/token/session/:create', access: 'public', model: 'SessionToken',
    handler: (ctx) => {
      const session = createSession(ctx.store, ctx.req.query, ctx.req.now);
      const et = ctx.store.employeeTokens.get(session.employeeToken);
      const companyId = et?.companyId ?? 0;
      const s = createSerializer(ctx.store, companyId, ctx.host);
      const full = sessionObj(session, s, ctx.store.consumerTokens.get(session.consumerToken) ?? 0, et?.id ?? 0);
      const sel = parseFields(ctx.req.query.fields);
      validateSelection('SessionToken', sel);
      return { status: 200, body: { value: applyFields('SessionToken', full, sel, s) } };
    },
  },
  {
    method: 'GET', path: '/token/session/>whoAmI', access: null, model: 'LoggedInUserInfo',
    handler: (ctx) => single(ctx, 'LoggedInUserInfo', whoAmIObj(authOf(ctx).company)),
  },
];
