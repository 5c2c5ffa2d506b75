// The search box with suggestions from GlobalSearch: repository names for a name fragment, tags for
// "repo:tag". An ARIA combobox: arrows move through the suggestions, Enter opens one or searches the text.
import { useEffect, useRef, useState } from 'preact/hooks';
import { suggest } from '../queries.js';
import { imagePath, navigate, repoPath } from '../router.js';

interface Option {
  label: string;
  href: string;
}

export function SearchBox(props: { initial: string }) {
  const [text, setText] = useState(props.initial);
  const [options, setOptions] = useState<Option[]>([]);
  const [active, setActive] = useState(-1);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => setText(props.initial), [props.initial]);

  useEffect(() => {
    clearTimeout(timer.current);
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === props.initial) {
      setOptions([]);
      return;
    }
    // one request per pause in typing, not per key
    timer.current = setTimeout(() => {
      suggest(trimmed).then(
        (found) => {
          setOptions([
            ...found.repos.map((repo) => ({ label: repo, href: repoPath(repo) })),
            ...found.images.map((i) => ({ label: `${i.repo}:${i.tag}`, href: imagePath(i.repo, i.tag) })),
          ]);
          setActive(-1);
        },
        () => setOptions([]),
      );
    }, 200);
    return () => clearTimeout(timer.current);
  }, [text, props.initial]);

  function submit(event: Event) {
    event.preventDefault();
    const chosen = options[active];
    setOptions([]);
    if (chosen !== undefined) navigate(chosen.href);
    else navigate(`/explore?q=${encodeURIComponent(text.trim())}`);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown' && options.length > 0) {
      event.preventDefault();
      setActive((a) => (a + 1) % options.length);
    } else if (event.key === 'ArrowUp' && options.length > 0) {
      event.preventDefault();
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (event.key === 'Escape') {
      setOptions([]);
    }
  }

  const open = options.length > 0;
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers this UI supports
    <form class="search" role="search" onSubmit={submit}>
      <label for="search-input" class="sr-only">
        Search repositories and tags
      </label>
      <input
        id="search-input"
        type="search"
        placeholder="Search repositories, repo:tag"
        autocomplete="off"
        role="combobox"
        aria-expanded={open}
        aria-controls="search-suggestions"
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `suggestion-${active}` : undefined}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOptions([]), 150)}
      />
      <button type="submit">Search</button>
      {open && (
        <div id="search-suggestions" role="listbox" class="suggestions" aria-label="Suggestions">
          {options.map((option, index) => (
            // biome-ignore lint/a11y/useFocusableInteractive: the ARIA combobox pattern: focus stays in the input, the arrows move aria-activedescendant
            <div
              key={option.href}
              id={`suggestion-${index}`}
              role="option"
              aria-selected={index === active}
              class={index === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                setOptions([]);
                navigate(option.href);
              }}
            >
              {option.label}
            </div>
          ))}
        </div>
      )}
    </form>
  );
}
