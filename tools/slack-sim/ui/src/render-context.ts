import { createContext } from 'preact';
import type { Directory } from './directory.js';

/** A click on a button or a choice in a select, as the message's app will receive it. */
export type Interaction =
  | { style: 'block'; kind: 'button' | 'select'; actionId: string; blockId?: string; value: string; label: string }
  | { style: 'legacy'; kind: 'button' | 'select'; callbackId: string; name: string; value: string };

/** Everything a message's parts need to draw names and send interactions. */
export interface RenderContext {
  directory: Directory;
  /** The workspace the message lives in: mentions resolve here first. */
  teamId: string;
  /** Sends an interaction from the message being drawn; undefined where nothing is clickable (a thread's copy). */
  interact?: (interaction: Interaction) => Promise<void>;
}

export const Rendering = createContext<RenderContext | undefined>(undefined);
