/** Numbered placeholders ($1, $2, …) for statements whose WHERE clause is built from a filter. */
import type { PgValue } from '../../shared/pg-driver.js';

export class Params {
  readonly values: PgValue[] = [];

  /** Adds a value; returns its placeholder. */
  add(value: PgValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Collects `AND`ed conditions, skipping the ones whose values are undefined. */
export class Where {
  readonly params = new Params();
  private readonly clauses: string[] = [];

  /** `clause` with each `?` replaced by the next value's placeholder, unless one is undefined. */
  add(clause: string, ...values: (PgValue | undefined)[]): this {
    if (values.some((value) => value === undefined)) return this;
    let next = 0;
    this.clauses.push(clause.replace(/\?/g, () => this.params.add(values[next++] as PgValue)));
    return this;
  }

  /** A condition that matches nothing (an empty list of people). */
  never(): this {
    this.clauses.push('false');
    return this;
  }

  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
