/**
 * The browser suite's Web Vitals budgets. They live in `lib/config/budgets.ts` (`CONSOLE_LAB_VITALS_BUDGET`, the one
 * home of every budget of the platform, next to the field targets of real users); this module only names them for
 * the specs. One budget for every page: a page that needs its own gets it there.
 */
export {
  CONSOLE_LAB_VITALS_BUDGET as WEB_VITALS_BUDGETS,
  type ConsoleVitalsBudget as WebVitalsBudgets,
} from '../../lib/config/budgets';
