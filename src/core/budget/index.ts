export { BudgetExceededError, usd, type BudgetScope } from './budgetExceededError';
export { checkBudget, hasBudget, type BudgetCaps, type BudgetQuestion } from './checkBudget';
export { worstCaseUsage } from './worstCaseUsage';
