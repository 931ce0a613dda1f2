/** The bot's whole intelligence: a few keyword answers. Good enough to show a takeover. */
const ANSWERS: { keywords: string[]; answer: string }[] = [
  { keywords: ['hours', 'open', 'opening'], answer: 'We are open Monday to Friday, 9am to 6pm.' },
  { keywords: ['price', 'pricing', 'cost'], answer: 'Plans start at $10 per month; see our pricing page for details.' },
  { keywords: ['password', 'reset', 'login'], answer: 'You can reset your password from the sign-in page with "Forgot password".' },
  { keywords: ['refund', 'invoice', 'billing'], answer: 'Billing questions are best handled by a person. Type "human" and I will get one.' },
];

export const HUMAN_KEYWORDS = ['human', 'agent', 'person', 'help me'];

export function wantsHuman(text: string): boolean {
  const lower = text.toLowerCase();
  return HUMAN_KEYWORDS.some((keyword) => lower.includes(keyword));
}

export function answerFor(text: string): string {
  const words = text.toLowerCase();
  const match = ANSWERS.find((entry) => entry.keywords.some((keyword) => words.includes(keyword)));
  return match?.answer ?? `I can help with opening hours, pricing, passwords and billing. Type "human" to talk to a person.`;
}
