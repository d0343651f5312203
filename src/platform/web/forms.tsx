import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';

/** Field name → message shown in the summary and next to the field (GOV.UK pattern). */
export type FieldErrors = Record<string, string>;

export function ErrorSummary({ ctx, errors }: { ctx: PageContext; errors: FieldErrors }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div
      class="kern-alert kern-alert--danger sp-error-summary"
      role="alert"
      tabIndex={-1}
      aria-labelledby="error-summary-title"
    >
      <div class="kern-alert__header">
        <h2 class="kern-title" id="error-summary-title">
          {ctx.t('form.errorSummary')}
        </h2>
      </div>
      <div class="kern-alert__body">
        <ul>
          {entries.map(([field, message]) => (
            <li key={field}>
              <a href={`#${fieldId(field)}`}>{message}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function fieldId(name: string): string {
  return `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken()} />;
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
  ctx: PageContext;
}

function FieldFrame(props: FieldProps & { children: ComponentChildren }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
      <label class="kern-label" for={id}>
        {props.label}
        {props.optional && <span class="kern-label__optional"> {props.ctx.t('form.optional')}</span>}
      </label>
      {props.hint && (
        <div class="kern-hint" id={`${id}-hint`}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <p class="kern-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      {props.children}
    </div>
  );
}

function describedBy(props: FieldProps): string | undefined {
  const id = fieldId(props.name);
  const ids = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function TextField(
  props: FieldProps & {
    value?: string | undefined;
    type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'url' | 'number' | 'date';
    autocomplete?: string;
    inputMode?: string;
    maxLength?: number;
    required?: boolean;
  },
) {
  return (
    <FieldFrame {...props}>
      <input
        class={
          props.error ? 'kern-form-input__input kern-form-input__input--error' : 'kern-form-input__input'
        }
        id={fieldId(props.name)}
        name={props.name}
        value={props.value ?? ''}
        // Loose attribute values: preact's element types narrow these per input type.
        {...({
          type: props.type ?? 'text',
          autocomplete: props.autocomplete,
          inputMode: props.inputMode,
        } as Record<string, unknown>)}
        maxLength={props.maxLength}
        required={props.required}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

export function TextArea(
  props: FieldProps & { value?: string | undefined; rows?: number; maxLength?: number },
) {
  return (
    <FieldFrame {...props}>
      <textarea
        class={
          props.error ? 'kern-form-input__input kern-form-input__input--error' : 'kern-form-input__input'
        }
        id={fieldId(props.name)}
        name={props.name}
        rows={props.rows ?? 5}
        maxLength={props.maxLength}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {props.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(
  props: FieldProps & { value?: string | undefined; options: { value: string; label: string }[] },
) {
  return (
    <FieldFrame {...props}>
      <div class="kern-form-input__select-wrapper">
        <select
          class={
            props.error ? 'kern-form-input__select kern-form-input__select--error' : 'kern-form-input__select'
          }
          id={fieldId(props.name)}
          name={props.name}
          aria-describedby={describedBy(props)}
          aria-invalid={props.error ? 'true' : undefined}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </FieldFrame>
  );
}

/** A group of checkboxes sharing one name (multi-value field). */
export function CheckboxGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  values: string[];
  options: { value: string; label: string }[];
}) {
  const id = fieldId(props.name);
  return (
    <fieldset class={props.error ? 'kern-fieldset kern-fieldset--error' : 'kern-fieldset'} id={id}>
      <legend class="kern-label">{props.legend}</legend>
      {props.hint && <div class="kern-hint">{props.hint}</div>}
      {props.error && <p class="kern-error">{props.error}</p>}
      <div class="kern-fieldset__body">
        {props.options.map((o) => {
          const optionId = `${id}-${o.value}`;
          return (
            <div class="kern-form-check" key={o.value}>
              <input
                class="kern-form-check__checkbox"
                type="checkbox"
                id={optionId}
                name={props.name}
                value={o.value}
                checked={props.values.includes(o.value)}
              />
              <label class="kern-label" for={optionId}>
                {o.label}
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** Form body values: formbody gives string | string[]; this reads both shapes safely. */
export function formString(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return String(v[0] ?? '').trim();
  return typeof v === 'string' ? v.trim() : '';
}

export function formList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  return typeof v === 'string' && v.trim() ? [v.trim()] : [];
}

type TextOptions = Omit<Parameters<typeof TextField>[0], 'ctx' | 'name' | 'label' | 'error'>;
type AreaOptions = Omit<Parameters<typeof TextArea>[0], 'ctx' | 'name' | 'label' | 'error'>;
type SelectOptions = Omit<Parameters<typeof SelectField>[0], 'ctx' | 'name' | 'label' | 'error' | 'options'>;

/**
 * The form fields bound to one form's raw values (as typed: strings, lists for checkbox groups) and
 * its errors, so that a form lists each field as name, label and what is special about it.
 */
export function fieldKit(ctx: PageContext, values: Record<string, unknown>, errors: FieldErrors) {
  const str = (name: string): string => {
    const v = values[name];
    return Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '';
  };
  const list = (name: string): string[] => {
    const v = values[name];
    return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
  };
  return {
    str,
    list,
    text: (name: string, label: string, o: TextOptions = {}) => (
      <TextField
        ctx={ctx}
        name={name}
        label={label}
        error={errors[name]}
        {...o}
        value={o.value ?? str(name)}
      />
    ),
    area: (name: string, label: string, o: AreaOptions = {}) => (
      <TextArea
        ctx={ctx}
        name={name}
        label={label}
        error={errors[name]}
        {...o}
        value={o.value ?? str(name)}
      />
    ),
    select: (
      name: string,
      label: string,
      options: { value: string; label: string }[],
      o: SelectOptions = {},
    ) => (
      <SelectField
        ctx={ctx}
        name={name}
        label={label}
        error={errors[name]}
        options={options}
        {...o}
        value={o.value ?? str(name)}
      />
    ),
    checks: (name: string, legend: string, options: { value: string; label: string }[], hint?: string) => (
      <CheckboxGroup
        name={name}
        legend={legend}
        error={errors[name]}
        values={list(name)}
        options={options}
        {...(hint ? { hint } : {})}
      />
    ),
    /** One checkbox; checked when the form sent `value` for it, unless told otherwise. */
    check: (name: string, label: string, checked?: boolean, value = 'on') => (
      <div class="kern-form-check">
        <input
          class="kern-form-check__checkbox"
          type="checkbox"
          id={fieldId(name)}
          name={name}
          value={value}
          checked={checked ?? str(name) === value}
        />
        <label class="kern-label" for={fieldId(name)}>
          {label}
        </label>
      </div>
    ),
  };
}
