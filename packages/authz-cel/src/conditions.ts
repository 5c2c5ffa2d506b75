// Running one rule's conditions: in order, the first false one stops. A condition that throws or
// returns a non-bool is fail-closed: it counts as false, the hook hears the cause, and the caller only
// ever sees GENERIC_DENIAL. `traces` is filled only for explain().

import type { CelContext } from './cel-environment.js';
import type { CompiledCondition } from './compile.js';
import { dependsOnlyOn } from './condition-fields.js';
import type { ConditionTrace, EvaluationErrorInfo } from './types.js';

export const GENERIC_DENIAL = 'access denied by policy';

export interface EvaluationContext {
  readonly now: () => Date;
  readonly onEvaluationError: ((info: EvaluationErrorInfo) => void) | undefined;
  /**
   * Catalog mode: conditions reading anything beyond these fields are assumed true (the listing stays
   * as permissive as zot's; the pull itself is still fully checked).
   */
  readonly onlyKnownFields?: ReadonlySet<string>;
}

export interface Failure {
  readonly reason: string;
}

/** Evaluates a rule's conditions in order; returns undefined when all hold, else why not. */
export function checkConditions(
  conditions: readonly CompiledCondition[],
  celContext: () => CelContext,
  context: EvaluationContext,
  traces: ConditionTrace[] | undefined,
): Failure | undefined {
  let failure: Failure | undefined;
  for (const condition of conditions) {
    if (failure !== undefined) {
      traces?.push({
        path: condition.path,
        expression: condition.expression,
        message: condition.message,
        value: 'skipped',
      });
      continue;
    }
    if (
      context.onlyKnownFields !== undefined &&
      !dependsOnlyOn(condition.dependencies, context.onlyKnownFields)
    ) {
      traces?.push({
        path: condition.path,
        expression: condition.expression,
        message: condition.message,
        value: true,
        error: 'not evaluated: depends on request details',
      });
      continue;
    }
    let value: unknown;
    let error: unknown;
    try {
      value = condition.run(celContext());
      if (typeof value !== 'boolean') error = new Error(`condition returned ${typeof value}, not bool`);
    } catch (caught) {
      error = caught;
    }
    if (error !== undefined) {
      context.onEvaluationError?.({
        path: condition.expressionPath,
        expression: condition.expression,
        error,
      });
      const text = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
      traces?.push({
        path: condition.path,
        expression: condition.expression,
        message: condition.message,
        value: 'error',
        error: text,
      });
      failure = { reason: GENERIC_DENIAL };
      continue;
    }
    traces?.push({
      path: condition.path,
      expression: condition.expression,
      message: condition.message,
      value: value as boolean,
    });
    if (value === false) failure = { reason: condition.message ?? GENERIC_DENIAL };
  }
  return failure;
}
