/** URI scheme of the read-only answer documents (package.json menus match on it). */
export const ANSWER_SCHEME = 'claude-cache-answer';
