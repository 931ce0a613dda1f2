import { useContext, useState } from 'preact/hooks';
import { Rendering, type Interaction } from '../render-context.js';
import { loadableImage, safeHref } from '../urls.js';
import { InitialsTile } from './avatar.js';
import { withEmoji } from '../emoji.js';
import { TextObject } from './mrkdwn-view.js';
import { RichText } from './rich-text.js';

// Block Kit (docs.slack.dev/reference/block-kit/blocks) as a Slack client draws it. Blocks arrive as JSON from
// whoever posted them, so every field is read defensively: a malformed block shows as a note, never breaks the list.

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
const textOf = (value: unknown): string => asString(asObject(value).text);

/** Runs an interaction, greying the control until the app has answered (the simulator waits for its ack). */
function useInteraction(): { pending: boolean; run: (interaction: Interaction) => void; enabled: boolean } {
  const context = useContext(Rendering);
  const [pending, setPending] = useState(false);
  return {
    pending,
    enabled: context?.interact !== undefined,
    run: (interaction) => {
      if (!context?.interact || pending) return;
      setPending(true);
      void context.interact(interaction).finally(() => setPending(false));
    },
  };
}

function ButtonElement({ element, blockId }: { element: Json; blockId: string }) {
  const { pending, run, enabled } = useInteraction();
  const label = withEmoji(textOf(element.text));
  const style = asString(element.style);
  const href = safeHref(asString(element.url));
  if (href) {
    return <a class={`bk-button ${style}`} href={href} target="_blank" rel="noopener noreferrer">{label}</a>;
  }
  return (
    <button
      type="button"
      class={`bk-button ${style}`}
      disabled={pending || !enabled}
      aria-busy={pending}
      onClick={() => run({ style: 'block', kind: 'button', actionId: asString(element.action_id), blockId, value: asString(element.value), label: textOf(element.text) })}
    >
      {label}
    </button>
  );
}

interface OptionItem { value: string; label: string; group?: string }

function optionsOf(element: Json): OptionItem[] {
  const option = (raw: unknown, group?: string): OptionItem => {
    const object = asObject(raw);
    return { value: asString(object.value), label: textOf(object.text), ...(group ? { group } : {}) };
  };
  const groups = asArray(element.option_groups).flatMap((raw) => {
    const group = asObject(raw);
    return asArray(group.options).map((item) => option(item, textOf(group.label)));
  });
  return [...asArray(element.options).map((item) => option(item)), ...groups];
}

/** static_select and overflow: a native select whose choice is sent as the app's `selected_option`. */
function SelectElement({ element, blockId }: { element: Json; blockId: string }) {
  const { pending, run, enabled } = useInteraction();
  const options = optionsOf(element);
  const initial = asString(asObject(element.initial_option).value);
  const [chosen, setChosen] = useState(initial);
  const placeholder = element.type === 'overflow' ? '⋯' : textOf(element.placeholder) || 'Select an item';
  return (
    <select
      class="bk-select"
      aria-label={placeholder}
      value={chosen}
      disabled={pending || !enabled}
      onChange={(event) => {
        const value = (event.currentTarget as HTMLSelectElement).value;
        const option = options.find((candidate) => candidate.value === value);
        if (!option) return;
        setChosen(value);
        run({ style: 'block', kind: 'select', actionId: asString(element.action_id), blockId, value, label: option.label });
      }}
    >
      <option value="" disabled>{placeholder}</option>
      {options.map((option) => (
        <option key={option.value} value={option.value}>{option.group ? `${option.group}: ${option.label}` : option.label}</option>
      ))}
    </select>
  );
}

function ImageElement({ element, class: className }: { element: Json; class: string }) {
  const src = loadableImage(asString(element.image_url));
  const alt = asString(element.alt_text);
  if (src) return <img class={className} src={src} alt={alt} title={alt} loading="lazy" />;
  return alt ? <InitialsTile name={alt} class={`${className} missing-image`} /> : <span class={`${className} missing-image`}>🖼️</span>;
}

/** An interactive or image element inside a section, context or actions block. */
function Element({ element, blockId }: { element: unknown; blockId: string }) {
  const object = asObject(element);
  switch (object.type) {
    case 'button':
      return <ButtonElement element={object} blockId={blockId} />;
    case 'static_select':
    case 'overflow':
      return <SelectElement element={object} blockId={blockId} />;
    case 'image':
      return <ImageElement element={object} class="bk-accessory-image" />;
    default:
      return <span class="bk-unsupported">[{asString(object.type) || 'element'}]</span>;
  }
}

function Block({ block }: { block: unknown }) {
  const object = asObject(block);
  const blockId = asString(object.block_id);
  switch (object.type) {
    case 'section':
      return (
        <div class="bk-section">
          <div class="bk-section-body">
            {object.text !== undefined && <TextObject text={object.text} />}
            {asArray(object.fields).length > 0 && (
              <div class="bk-fields">{asArray(object.fields).map((field, i) => <div key={i} class="bk-field"><TextObject text={field} /></div>)}</div>
            )}
          </div>
          {object.accessory !== undefined && <div class="bk-accessory"><Element element={object.accessory} blockId={blockId} /></div>}
        </div>
      );
    case 'context':
      return (
        <div class="bk-context">
          {asArray(object.elements).map((element, i) => {
            const item = asObject(element);
            return item.type === 'image' ? <ImageElement key={i} element={item} class="bk-context-image" /> : <TextObject key={i} text={item} />;
          })}
        </div>
      );
    case 'actions':
      return <div class="bk-actions">{asArray(object.elements).map((element, i) => <Element key={i} element={element} blockId={blockId} />)}</div>;
    case 'image':
      return (
        <figure class="bk-image">
          {object.title !== undefined && <figcaption>{textOf(object.title)}</figcaption>}
          <ImageElement element={object} class="bk-image-img" />
        </figure>
      );
    case 'divider':
      return <hr class="bk-divider" />;
    case 'header':
      return <h4 class="bk-header">{withEmoji(textOf(object.text))}</h4>;
    case 'rich_text':
      return <RichText block={object} />;
    default:
      return <div class="bk-unsupported">[{asString(object.type) || 'unknown'} block]</div>;
  }
}

export function Blocks({ blocks }: { blocks: unknown[] }) {
  return <div class="blocks">{blocks.map((block, i) => <Block key={i} block={block} />)}</div>;
}
