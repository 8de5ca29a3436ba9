// Which rules can match a record, looked up by its eventSource and eventName instead of asking every rule.
//
// Built from what each rule needs of a record (record-needs.ts, the derivation the reader's prefilter already
// trusts: conservative, it may name records a rule cannot match, never leave out one it can). A rule whose pattern
// leaves eventSource open is a candidate for every record. The rules' own predicates still decide: this only
// spares asking the 40-odd built-in rules about a record that only two of them name.
import type { PrefilterAlternative } from './record-needs.js';

/** Rule indexes in ascending order (the rules' order, which is the order of the alerts). */
type RuleList = readonly number[];

interface SourceRules {
  /** Rules for this source that name the eventName (and no others). */
  byName: Map<string, number[]>;
  /** Rules for this source whose pattern leaves eventName open. */
  anyName: number[];
}

/** Up to three ascending lists whose union (duplicates possible across lists) holds the candidate rules. */
type Candidates = readonly [RuleList, RuleList, RuleList];

const NONE: RuleList = [];

export class RuleDispatch {
  private readonly bySource = new Map<string, SourceRules>();
  /** Rules whose pattern leaves eventSource open. */
  private readonly anySource: number[] = [];
  /** Every rule, for a record whose eventSource or eventName is not a string (the reader lets none through). */
  private readonly all: Candidates;
  /** The answers, made once (they share the lists above, so they take little room): source -> name -> candidates. */
  private readonly answers = new Map<string, { byName: Map<string, Candidates>; otherNames: Candidates }>();
  private readonly otherSources: Candidates;

  /** `needs[i]`: recordNeeds() of rule i's pattern (null: any eventSource). */
  constructor(needs: ReadonlyArray<readonly PrefilterAlternative[] | null>) {
    this.all = [needs.map((_, i) => i), NONE, NONE];
    needs.forEach((alternatives, rule) => {
      if (alternatives === null) {
        this.anySource.push(rule);
        return;
      }
      for (const alternative of alternatives) {
        for (const source of alternative.eventSources) {
          let rules = this.bySource.get(source);
          if (!rules) {
            rules = { byName: new Map(), anyName: [] };
            this.bySource.set(source, rules);
          }
          if (!alternative.eventNames) addOnce(rules.anyName, rule);
          else
            for (const name of alternative.eventNames) {
              const list = rules.byName.get(name);
              if (list) addOnce(list, rule);
              else rules.byName.set(name, [rule]);
            }
        }
      }
    });
    this.otherSources = [this.anySource, NONE, NONE];
    for (const [source, { byName, anyName }] of this.bySource) {
      this.answers.set(source, {
        byName: new Map([...byName].map(([name, list]) => [name, [list, anyName, this.anySource] as const])),
        otherNames: [NONE, anyName, this.anySource],
      });
    }
  }

  /**
   * The candidate rules for a record, as up to three ascending lists whose union (duplicates possible across
   * lists) holds every rule that can match it; made in advance, so nothing is allocated per record.
   */
  candidates(eventSource: unknown, eventName: unknown): Candidates {
    if (typeof eventSource !== 'string' || typeof eventName !== 'string') return this.all;
    const answers = this.answers.get(eventSource);
    if (!answers) return this.otherSources;
    return answers.byName.get(eventName) ?? answers.otherNames;
  }
}

/** Rules are added in ascending order, so a repeat (two alternatives naming the same source or name) is the last one. */
function addOnce(list: number[], rule: number): void {
  if (list[list.length - 1] !== rule) list.push(rule);
}
