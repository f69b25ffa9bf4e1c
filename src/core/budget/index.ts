export { BudgetExceededError, type BudgetScope } from './budgetExceededError';
export { checkBudget, hasBudget, type BudgetCaps, type BudgetQuestion } from './checkBudget';
export { reserveWithinBudget, type BudgetClaim } from './reserveWithinBudget';
export { worstCaseUsage } from './worstCaseUsage';
