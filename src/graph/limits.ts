import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import { GraphQLError, Kind } from 'graphql';
import { MAX_PAGE_SIZE } from './common/connection.js';
import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';

/**
 * What one operation may ask for, checked before anything runs. Tuned so every operation in
 * `schema/operations/` passes with room to spare (`test/limits.test.ts` checks each one) while nesting through
 * partner → ticketOrders → partner …, alias and directive floods, huge documents and cost bombs fail.
 */
export const OPERATION_LIMITS = {
  // The examples reach depth 5, 2 aliases, no directive, 67 tokens and a cost of 94. graphql-armor's cost grows
  // with depth as well as breadth: a partner list with its portal orders' lines and products (depth 7, in
  // test/graph/partners.test.ts) weighs about 19,000; the cost bomb in test/limits.test.ts over 1.6 million.
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 1_000,
  maxCost: 50_000,
} as const;

/**
 * graphql-armor reports through these callbacks; by default it would throw, which Apollo turns into an
 * internal error. Reported to the validation context instead, the error is an ordinary validation failure
 * (`GRAPHQL_VALIDATION_FAILED`, HTTP 400) that passes the masking rule with its message naming the limit.
 */
const report: GraphQLArmorCallbackConfiguration = {
  propagateOnRejection: false,
  onReject: [
    (ctx, error) => {
      ctx?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      );
    },
  ],
};

/**
 * graphql-armor counts tokens while parsing, as an Apollo plugin that throws (an internal error to Apollo); as a
 * rule it lexes the document's source once more and reports the first token over the limit, once.
 */
function maxTokensRule(n: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const source = context.getDocument().loc?.source;
    if (source) {
      try {
        new MaxTokensParserWLexer(source, {
          n,
          exposeLimits: true,
          propagateOnRejection: true,
        }).parseDocument();
      } catch (error) {
        report.onReject![0]!(context, error as GraphQLError);
      }
    }
    return {};
  };
}

/**
 * graphql-js's own cap while parsing, far above `maxTokens`: the rule above gives the clear message, this one
 * keeps a huge document from being parsed in full first.
 */
export const PARSE_MAX_TOKENS = OPERATION_LIMITS.maxTokens * 10;

/** The rules for HTTP (Apollo's `validationRules`) and graphql-ws (`validate` in `onSubscribe`) alike. */
export function operationLimitRules(): ValidationRule[] {
  return [
    maxTokensRule(OPERATION_LIMITS.maxTokens),
    maxDepthRule({ n: OPERATION_LIMITS.maxDepth, exposeLimits: true, ...report }),
    maxAliasesRule({ n: OPERATION_LIMITS.maxAliases, exposeLimits: true, ...report }),
    maxDirectivesRule({ n: OPERATION_LIMITS.maxDirectives, exposeLimits: true, ...report }),
    costLimitRule({ maxCost: OPERATION_LIMITS.maxCost, exposeLimits: true, ...report }),
    pageSizeRule,
  ];
}

/**
 * `first` written into the document above the page limit is refused before anything runs, like the other limits
 * (HTTP 400, `GRAPHQL_VALIDATION_FAILED`). A variable's value is only known at execution: the resolvers refuse
 * that one with the same message (`pageSize()`, `BAD_USER_INPUT`).
 */
const pageSizeRule: ValidationRule = (context) => ({
  Argument(node) {
    if (node.name.value !== 'first' || node.value.kind !== Kind.INT || !context.getArgument()) return;
    const first = Number(node.value.value);
    if (first >= 0 && first <= MAX_PAGE_SIZE) return;
    context.reportError(
      new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${node.value.value}.`, {
        nodes: [node],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    );
  },
});
