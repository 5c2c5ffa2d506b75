// Bounds on what one query may ask, checked on the parsed document before validation and execution, so a hostile
// query is refused in milliseconds. zot's schema has no cycles, but aliases and fragments multiply work: a query
// can name the same expensive list many times, or spread fragments that spread fragments. The measure walks each
// fragment once (memoised), so an exponentially expanding fragment tree costs linear time to measure.
//   depth:       the deepest field nesting (introspection's TypeRef chain needs about 12)
//   cost:        fields, where a list field's children count `listFactor` times (a rough "items per list"),
//                3 times in introspection types
//   rootFields:  top-level queries in the operation (each one is a resolver that may read every repository)
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxRootFields: number;
  /** Cost multiplier of a list field's selections. */
  listFactor: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 15,
  maxCost: 50_000,
  maxRootFields: 20,
  listFactor: 10,
};

interface Measure {
  cost: number;
  depth: number;
}

class LimitExceeded extends Error {}

/** The errors for an operation that exceeds a limit; empty when it is within all of them. */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  limits: QueryLimits,
): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const memo = new Map<string, Measure>();
  const visiting = new Set<string>();

  const measure = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined): Measure => {
    let cost = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      let child: Measure = { cost: 0, depth: 0 };
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const fieldDef =
          name === '__schema'
            ? SchemaMetaFieldDef
            : name === '__type'
              ? TypeMetaFieldDef
              : parent !== undefined && (isObjectType(parent) || isInterfaceType(parent))
                ? parent.getFields()[name]
                : undefined;
        let factor = 1;
        if (fieldDef !== undefined && selection.selectionSet !== undefined) {
          // the schema's own lists (types, fields, args) are small and fixed: a lower factor lets GraphQL tools
          // run the full introspection query while data lists keep theirs
          const introspection = parent?.name.startsWith('__') === true;
          factor = isListType(getNullableType(fieldDef.type)) ? (introspection ? 3 : limits.listFactor) : 1;
          child = measure(selection.selectionSet, getNamedType(fieldDef.type));
        }
        cost += 1 + factor * child.cost;
        depth = Math.max(depth, 1 + child.depth);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        child = measure(selection.selectionSet, type ?? undefined);
        cost += child.cost;
        depth = Math.max(depth, child.depth);
      } else {
        const name = selection.name.value;
        let known = memo.get(name);
        if (known === undefined) {
          const fragment = fragments.get(name);
          // unknown fragments and cycles are left to validation, which names them
          if (fragment === undefined || visiting.has(name)) continue;
          visiting.add(name);
          known = measure(
            fragment.selectionSet,
            schema.getType(fragment.typeCondition.name.value) ?? undefined,
          );
          visiting.delete(name);
          memo.set(name, known);
        }
        cost += known.cost;
        depth = Math.max(depth, known.depth);
      }
      if (cost > limits.maxCost) throw new LimitExceeded(`query cost exceeds ${limits.maxCost}`);
      if (depth > limits.maxDepth) throw new LimitExceeded(`query depth exceeds ${limits.maxDepth}`);
    }
    return { cost, depth };
  };

  const selected =
    operationName === undefined || operationName === null
      ? operations
      : operations.filter((operation) => operation.name?.value === operationName);
  try {
    for (const operation of selected) {
      const roots = operation.selectionSet.selections.length;
      if (roots > limits.maxRootFields)
        throw new LimitExceeded(
          `query has ${roots} top-level fields, at most ${limits.maxRootFields} are allowed`,
        );
      const rootType = operation.operation === 'query' ? schema.getQueryType() : undefined;
      measure(operation.selectionSet, rootType ?? undefined);
    }
  } catch (error) {
    if (error instanceof LimitExceeded)
      return [new GraphQLError(error.message, { extensions: { code: 'QUERY_TOO_COMPLEX' } })];
    throw error;
  }
  return [];
}
