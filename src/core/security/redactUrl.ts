/** A URL for logs and messages: whatever credentials it carries (`user:password@`) replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
