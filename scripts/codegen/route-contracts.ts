/**
 * The API operations as contracts the compatibility gate holds (canonical/governance): per declared
 * route, its answer (`responses/<operationId>`, checked as an answer: readers must still read it)
 * and its parameters (`parameters/<operationId>`, checked as a request), each tagged with the
 * route's `<METHOD> <path>`, so removing or moving a released route, removing a field of its answer
 * or narrowing what it accepts fails the gate. Request bodies are the `api/<Body>` contracts.
 */
import { routeVersion } from '../../application/api-governance';
import { API_ROUTES, type ApiRouteDefinition } from '../../application/api-routes';
import type { CurrentContract } from '../../canonical/governance/compatibility';
import { currentContracts } from '../../canonical/governance/current';
import { schemaDocument } from '../../canonical/schemas/index';

/** The contracts of the declared routes' operations. */
export function routeContracts(routes: readonly ApiRouteDefinition[] = API_ROUTES): CurrentContract[] {
  return routes.flatMap((route) => {
    const { contract } = route;
    if (!contract) return [];
    const tag = `${route.method} ${route.path}`;
    const version = routeVersion(route);
    const document = (name: string, root: string) => ({ ...schemaDocument(name, root), 'x-route': tag });
    const answer = `responses/${contract.operationId}`;
    const parameters = `parameters/${contract.operationId}`;
    return [
      { name: answer, document: document(answer, contract.responseModel), version, answer: true, route: tag },
      ...(contract.parametersModel
        ? [
            {
              name: parameters,
              document: document(parameters, contract.parametersModel),
              version,
              route: tag,
            },
          ]
        : []),
    ];
  });
}

/** Everything the gate holds: the canonical contracts and the API operations'. */
export function allCurrentContracts(): CurrentContract[] {
  return [...currentContracts(), ...routeContracts()];
}
