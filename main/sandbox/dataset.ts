/**
 * The sandbox's CRM data: users, records and their timelines. Everything is derived from the seed:
 * a record's events are generated on demand from (seed, module, record ordinal) and kept in a small
 * LRU cache, so a dataset with a million events never sits in memory at once.
 *
 * The event JSON follows timeline-api.md's sample response key for key (same key order), stored in
 * its fullest shape (all six include_inner_details extras); crm.ts strips what was not asked for.
 */
import { SAMPLE_TIMELINE_RESPONSE } from './data/sample-timeline.js';
import { Prng, hashString } from './prng.js';

export const SAMPLE_RECORD = { module: 'Leads', id: '554023000001122039' } as const;
/**
 * A Leads record with 10,000 entries, for pagination tests: 9,616 timeline events (seed 1) and 384 signals,
 * which Zoho returns only with include_timeline_type=signals. Not part of the Leads listing.
 */
export const LARGE_RECORD = { module: 'Leads', id: '5540230000099999001' } as const;
export const LARGE_RECORD_EVENTS = 10_000;
const LARGE_RECORD_ORDINAL = 99_999;
/**
 * A Leads record whose timeline carries the unusual-but-valid shapes real orgs send (issue 13): system
 * actions (`done_by: null`), every id as a bare JSON number (the reference types ids as "long"; this
 * record's own id and one event id are above 2^53, where JSON.parse changes digits), pick-list items
 * without `type`, and signal entries with `type` and `extension`. Not part of the Leads listing.
 */
export const SHAPES_RECORD = { module: 'Leads', id: '9007199254740993123' } as const;
/** The event id above 2^53 in SHAPES_RECORD's timeline (exact digits; as a double it would end …000). */
export const SHAPES_BIG_EVENT_ID = '9007199254740993001';

/** timeline-api.md, "source": the 23 documented values, in the doc's order. */
export const TIMELINE_SOURCES = [
  'crm_api',
  'mass_delete_via_crm_api',
  'bulkapi',
  'approval_process',
  'assignment_rules',
  'blueprint',
  'mass_update_via_blueprint',
  'orchestration',
  'convert',
  'massconvert',
  'custom_function',
  'macro',
  'crm_ui',
  'mass_update',
  'mass_update_via_scheduler',
  'mass_delete_via_clean_up',
  'bulk_action',
  'change_owner',
  'mass_change_owner_via_scheduler',
  'review_process',
  'scoringrule',
  'wizard',
  'workflow',
] as const;

/** timeline-api.md "Supported Modules" as API names (Meetings is `Events`, as in Zoho's module API). */
export const TIMELINE_MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks', 'Events', 'Calls', 'Products', 'Services', 'Appointments', 'Purchase_Orders', 'Sales_Orders', 'Quotes', 'Invoices', 'Notes'] as const;

/** Modules with generated records; the others exist (no INVALID_MODULE) but hold no records. */
export const RECORD_MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals'] as const;

export interface PickListValue {
  display_value: string;
  sequence_number: number;
  colour_code: string | null;
  actual_value: string;
  id: string;
  /** Absent on some orgs' items (SHAPES_RECORD). */
  type?: string;
}

export interface FieldHistoryEntry {
  api_name: string;
  field_label?: string;
  enable_colour_code?: boolean;
  data_type?: string;
  _value: { new: string | null; old: string | null };
  id: string;
  pick_list_values?: PickListValue[];
}

export interface NamedRef {
  module: { api_name: string; id: string };
  name: string;
  id: string;
}

/**
 * Zoho's automation_details as the official SDK models it (json_details.json, timelines/automation_detail):
 * `type`, `rule` {name, id}, and for a CommandCenter (Pathfinder) journey `pathfinder` {state {id, name,
 * trigger_type, is_last_state}, process_entry, process_exit}.
 */
export interface AutomationDetails {
  type: string;
  rule: { name: string; id: string };
  pathfinder?: { process_entry: boolean; process_exit: boolean; state: { id: string; name: string; trigger_type: string; is_last_state: boolean } };
}

export interface TimelineEvent {
  /** null: a system action (Zoho names no user). */
  done_by: { profile?: { name: string; id: string }; name: string; id: string; type__s?: string } | null;
  related_record: NamedRef | null;
  automation_details: AutomationDetails | null;
  record: NamedRef;
  audited_time: string;
  action: string;
  id: string;
  source: string;
  field_history: FieldHistoryEntry[] | null;
  type?: string;
  extension?: { name: string; api_name: string };
}

export interface StoredEvent {
  json: TimelineEvent;
  /** Epoch ms of audited_time. */
  time: number;
  /** Shown only with include_timeline_type=signals. */
  signal: boolean;
}

export interface SandboxUser {
  id: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string;
  profile: { name: string; id: string };
  role: { name: string; id: string };
  type__s: string;
  status: 'active' | 'disabled' | 'deleted';
  confirm: boolean;
  created_time: string;
}

const PROFILES = {
  admin: { name: 'Administrator', id: '554023000000015972' },
  standard: { name: 'Standard', id: '554023000000015975' },
  manager: { name: 'Sales Manager', id: '554023000000015978' },
  portal: { name: 'Portal Profile', id: '554023000000015981' },
};
const ROLES = {
  ceo: { name: 'CEO', id: '554023000000015969' },
  manager: { name: 'Manager', id: '554023000000015966' },
  rep: { name: 'Sales Representative', id: '554023000000015963' },
};

function user(id: string, first: string, last: string, email: string, profile: { name: string; id: string }, role: { name: string; id: string }, type: string, status: SandboxUser['status']): SandboxUser {
  return {
    id,
    first_name: first,
    last_name: last,
    full_name: `${first} ${last}`.trim(),
    email,
    profile,
    role,
    type__s: type,
    status,
    confirm: status !== 'deleted',
    created_time: '2022-11-02T09:15:00+00:00',
  };
}

/** The org's users: the sample's Patricia Boyle first, then a mix of profiles, types, statuses and scripts. */
export const USERS: SandboxUser[] = [
  user('554023000000235011', 'Patricia', 'Boyle', 'patricia.boyle@zylker.example', PROFILES.admin, ROLES.ceo, 'regular user', 'active'),
  user('554023000000235023', 'Ravi', 'Kumar', 'ravi.kumar@zylker.example', PROFILES.manager, ROLES.manager, 'regular user', 'active'),
  user('554023000000235035', '太郎', '山田', 'taro.yamada@zylker.example', PROFILES.standard, ROLES.rep, 'regular user', 'active'),
  user('554023000000235047', 'ليلى', 'حداد', 'layla.haddad@zylker.example', PROFILES.standard, ROLES.rep, 'regular user', 'active'),
  user('554023000000235059', 'José "Pepe"', "O'Neil", 'pepe.oneil@zylker.example', PROFILES.standard, ROLES.rep, 'regular user', 'active'),
  user('554023000000235071', 'Acme', 'Portal User', 'portal@acme.example', PROFILES.portal, ROLES.rep, 'portal user', 'active'),
  user('554023000000235083', 'Dieter', 'Müller', 'dieter.mueller@zylker.example', PROFILES.standard, ROLES.rep, 'regular user', 'disabled'),
  user('554023000000235095', 'Chloé', 'Lefèvre 🚀', 'chloe.lefevre@zylker.example', PROFILES.manager, ROLES.manager, 'regular user', 'deleted'),
];
const ACTING_USERS = USERS.filter((candidate) => candidate.status !== 'deleted' || candidate.id.endsWith('95'));

// ---- modules and fields ------------------------------------------------------------------------

type ValueKind = 'first' | 'last' | 'company' | 'text' | 'textarea' | 'phone' | 'email' | 'website' | 'currency' | 'date' | 'boolean' | 'picklist';

interface FieldDef {
  apiName: string;
  label: string;
  dataType: string;
  id: string;
  kind: ValueKind;
  colour: boolean;
  picklist: PickListValue[];
}

interface ModuleDef {
  apiName: string;
  id: string;
  index: number;
  nameField: string;
  fields: FieldDef[];
}

function field(apiName: string, label: string, dataType: string, id: string, kind: ValueKind, picklist: PickListValue[] = [], colour = false): FieldDef {
  return { apiName, label, dataType, id, kind, colour, picklist };
}

function picklist(idBase: number, entries: Array<[string, string | null]>): PickListValue[] {
  return entries.map(([value, colour], index) => ({
    display_value: value,
    sequence_number: index + 1,
    colour_code: colour,
    actual_value: value,
    id: `5540230000000${String(idBase + index * 2).padStart(5, '0')}`,
    type: 'used',
  }));
}

const SAMPLE_EVENTS = SAMPLE_TIMELINE_RESPONSE.__timeline as TimelineEvent[];
const firstSampleEntry = SAMPLE_EVENTS.find((entry) => entry.field_history?.[0]?.api_name === 'Lead_Source');
/** Lead Source's values exactly as the doc's sample shows them (no colour coding). */
const LEAD_SOURCE_VALUES: PickListValue[] = firstSampleEntry?.field_history?.[0]?.pick_list_values ?? [];

const LEAD_STATUS_VALUES = picklist(40101, [
  ['-None-', null],
  ['Attempted to Contact', '#F17574'],
  ['Contact in Future', '#FFA877'],
  ['Contacted', '#A8C7F0'],
  ['Junk Lead', '#B9B9B9'],
  ['Lost Lead', '#E56C76'],
  ['Not Contacted', '#FFD966'],
  ['Pre-Qualified', '#7ED6A5'],
  ['Not Qualified', '#C49CDE'],
]);
const INDUSTRY_VALUES = picklist(40201, [
  ['-None-', null],
  ['ASP (Application Service Provider)', '#63C57E'],
  ['Data/Telecom OEM', '#F8B55E'],
  ['Government/Military', '#8DA6F0'],
  ['Large Enterprise', '#E67E93'],
  ['ManagementISV', '#A9D86E'],
  ['Non-management ISV', '#6ED3D8'],
  ['Optical Networking', '#D88BD6'],
]);
const STAGE_VALUES = picklist(40301, [
  ['Qualification', '#A8C7F0'],
  ['Needs Analysis', '#7ED6A5'],
  ['Value Proposition', '#FFD966'],
  ['Id. Decision Makers', '#FFA877'],
  ['Proposal/Price Quote', '#C49CDE'],
  ['Negotiation/Review', '#8DA6F0'],
  ['Closed Won', '#63C57E'],
  ['Closed Lost', '#E56C76'],
]);

export const MODULE_IDS: Record<string, string> = {
  Leads: '554023000000000125',
  Contacts: '554023000000000127',
  Accounts: '554023000000000129',
  Deals: '554023000000000131',
  Events: '554023000000000141',
  Tasks: '554023000000000143',
  Calls: '554023000000000145',
  Notes: '554023000000000147',
  Attachments: '554023000000000149',
  Emails: '554023000000000151',
};

const MODULES: ModuleDef[] = [
  {
    apiName: 'Leads',
    id: '554023000000000125',
    index: 0,
    nameField: 'Full_Name',
    fields: [
      field('First_Name', 'First Name', 'text', '554023000000000557', 'first'),
      field('Last_Name', 'Last Name', 'text', '554023000000000559', 'last'),
      field('Company', 'Company', 'text', '554023000000000555', 'company'),
      field('Email', 'Email', 'email', '554023000000000561', 'email'),
      field('Phone', 'Phone', 'phone', '554023000000000565', 'phone'),
      field('Lead_Source', 'Lead Source', 'picklist', '554023000000000573', 'picklist', LEAD_SOURCE_VALUES),
      field('Lead_Status', 'Lead Status', 'picklist', '554023000000000575', 'picklist', LEAD_STATUS_VALUES, true),
      field('Description', 'Description', 'textarea', '554023000000000589', 'textarea'),
      field('Annual_Revenue', 'Annual Revenue', 'currency', '554023000000000581', 'currency'),
      field('Email_Opt_Out', 'Email Opt Out', 'boolean', '554023000000000583', 'boolean'),
    ],
  },
  {
    apiName: 'Contacts',
    id: '554023000000000127',
    index: 1,
    nameField: 'Full_Name',
    fields: [
      field('First_Name', 'First Name', 'text', '554023000000000657', 'first'),
      field('Last_Name', 'Last Name', 'text', '554023000000000659', 'last'),
      field('Email', 'Email', 'email', '554023000000000661', 'email'),
      field('Phone', 'Phone', 'phone', '554023000000000665', 'phone'),
      field('Mailing_City', 'Mailing City', 'text', '554023000000000667', 'text'),
      field('Lead_Source', 'Lead Source', 'picklist', '554023000000000673', 'picklist', LEAD_SOURCE_VALUES),
      field('Date_of_Birth', 'Date of Birth', 'date', '554023000000000675', 'date'),
      field('Description', 'Description', 'textarea', '554023000000000689', 'textarea'),
    ],
  },
  {
    apiName: 'Accounts',
    id: '554023000000000129',
    index: 2,
    nameField: 'Account_Name',
    fields: [
      field('Account_Name', 'Account Name', 'text', '554023000000000753', 'company'),
      field('Phone', 'Phone', 'phone', '554023000000000765', 'phone'),
      field('Website', 'Website', 'website', '554023000000000767', 'website'),
      field('Industry', 'Industry', 'picklist', '554023000000000769', 'picklist', INDUSTRY_VALUES, true),
      field('Annual_Revenue', 'Annual Revenue', 'currency', '554023000000000781', 'currency'),
      field('Description', 'Description', 'textarea', '554023000000000789', 'textarea'),
    ],
  },
  {
    apiName: 'Deals',
    id: '554023000000000131',
    index: 3,
    nameField: 'Deal_Name',
    fields: [
      field('Deal_Name', 'Deal Name', 'text', '554023000000000853', 'company'),
      field('Stage', 'Stage', 'picklist', '554023000000000855', 'picklist', STAGE_VALUES, true),
      field('Amount', 'Amount', 'currency', '554023000000000857', 'currency'),
      field('Closing_Date', 'Closing Date', 'date', '554023000000000859', 'date'),
      field('Description', 'Description', 'textarea', '554023000000000889', 'textarea'),
    ],
  },
];

const TAG_FIELD = { api_name: 'Tag', field_label: 'Tag', data_type: 'text', id: '554023000000138025' };
const PHONE_FIELD = { api_name: 'Phone', field_label: 'Phone', data_type: 'phone', id: '554023000000000565' };
const LEAD_SOURCE_FIELD = { api_name: 'Lead_Source', field_label: 'Lead Source', data_type: 'picklist', id: '554023000000000573' };

// ---- value pools: deliberately awkward (quotes, newlines, CJK, RTL, emoji, spreadsheet formulas) ----

const FIRST_NAMES = ['Patricia', 'Ravi', 'Ana', 'Kenji', '美咲', 'محمد', 'Zoë', 'Renée', 'Björn', 'Ngozi', '=1+1', 'Mary-Jane', 'Ольга'];
const LAST_NAMES = ['Smith', 'Boyle', 'García', "O'Connor", '佐藤', 'العلي', 'Nguyễn', 'Kowalski', 'Ødegaard', '"Danger" Doe', '@SUM(1)', 'Lee 🐉'];
const COMPANIES = [
  'Zylker',
  'ABC',
  'Acme "Rockets" Ltd',
  '株式会社ゾーホー',
  '北京测试有限公司',
  'شركة الاختبار',
  'חברת בדיקה בע"מ',
  '🚀 Launch Co 🎉',
  '=HYPERLINK("http://x","y")',
  "-cmd|' /C calc'!A0",
  '+1',
  '@SUM(1)',
  'Müller & Söhne GmbH',
  "O'Reilly Media",
  'Comma, Inc.',
];
const TEXTS = [...COMPANIES, 'Line one\nLine two', 'Tab\there', '  padded  ', 'Ünïcödé', 'Seoul 서울', 'Привет, мир'];
const TEXTAREAS = [
  'Met at the trade show.\nWants a demo next week.\n\n— Notes by the rep',
  'Customer said: "We\'ll sign if the price is right."',
  '価格について再度連絡する。\n担当者：山田',
  'يرجى الاتصال بالعميل غدًا\nشكرًا',
  'Escalated 🔥🔥 — see ticket #4411',
  '=HYPERLINK("http://x","y")\n-cmd|\' /C calc\'!A0\n+1\n@SUM(1)',
  'Line with CRLF\r\nsecond line',
  'Plain note',
];
const CITIES = ['Chennai', 'Austin', '東京', 'القاهرة', 'São Paulo', 'Zürich', 'Tel Aviv'];
const RELATED_NAMES: Record<string, string[]> = {
  Notes: ['Call summary', 'Follow-up: "pricing"', 'メモ：見積もり', 'ملاحظة المتابعة', 'Notes 📝 from meeting', '=HYPERLINK("http://x","y")'],
  Tasks: ['Send proposal', 'Call back re: contract', 'レビュー依頼', 'إرسال العرض', 'Prepare demo 🎬'],
  Calls: ['Discovery call', 'Outbound call', '電話：フォローアップ', 'مكالمة متابعة'],
  Events: ['Demo meeting', 'On-site visit', '打ち合わせ', 'اجتماع'],
  Attachments: ['contract.pdf', 'quote "final".xlsx', '見積書.pdf', 'عقد.docx'],
  Emails: ['Re: Your quote', 'Introduction', 'お問い合わせ', 'استفسار'],
};
const RELATED_MODULES = ['Notes', 'Tasks', 'Calls', 'Events', 'Attachments', 'Emails'] as const;
const TAGS = ['Prime', 'Hot', 'VIP 🌟', '優先', 'مهم', 'Follow-up'];
const WORKFLOW_RULES = [
  { name: 'Notify owner on status change', id: '554023000002210001' },
  { name: 'Auto-assign web leads', id: '554023000002210005' },
  { name: 'Update rating on revenue', id: '554023000002210009' },
];
const BLUEPRINTS = [
  { name: 'Lead Qualification Process', id: '554023000002310001' },
  { name: 'Deal Closure Process', id: '554023000002310007' },
];
/** One CommandCenter journey; its states in order (the first enters the process, the last leaves it). */
const PATHFINDER_PROCESS = { name: 'Lead to proposal journey', id: '554023000002410001' };
const PATHFINDER_STATES = [
  { id: '554023000002410011', name: 'First contact' },
  { id: '554023000002410013', name: 'Qualification call' },
  { id: '554023000002410015', name: 'Proposal review' },
  { id: '554023000002410017', name: 'Closed' },
];
const TIMEZONE_OFFSETS = ['-11:00', '+05:30', '+00:00', '-05:00', '+09:00', '+01:00'];

// ---- time --------------------------------------------------------------------------------------

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours = '0', minutes = '0'] = offset.slice(1).split(':');
  return sign * (Number(hours) * 60 + Number(minutes));
}

export function formatZohoTime(epochMs: number, offset: string): string {
  const local = new Date(epochMs + offsetMinutes(offset) * 60_000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
}

// ---- the dataset -------------------------------------------------------------------------------

export interface RecordHistory {
  module: string;
  id: string;
  /** Newest first, as the API returns them. */
  events: StoredEvent[];
  /** Current field values (after the newest event), for record listings. */
  fields: Record<string, string | null>;
  ownerId: string;
  createdTime: string;
  modifiedTime: string;
  modifiedEpochMs: number;
  createdBy: string;
  /** Serve every `id` in this timeline as a bare JSON number, digits exact (SHAPES_RECORD). */
  idsAsNumbers?: boolean;
}

interface RecordRef {
  module: ModuleDef;
  ordinal: number;
  eventCount: number | undefined;
}

const CACHE_SIZE = 48;

export class SandboxDataset {
  readonly timezoneOffset: string;
  private readonly records = new Map<string, RecordRef>();
  private readonly listed = new Map<string, string[]>();
  private readonly cache = new Map<string, RecordHistory>();

  constructor(
    readonly seed: number,
    readonly recordsPerModule: number,
  ) {
    this.timezoneOffset = TIMEZONE_OFFSETS[hashString(`tz:${seed}`) % TIMEZONE_OFFSETS.length] ?? '+00:00';
    for (const module of MODULES) {
      const ids: string[] = [];
      if (module.apiName === SAMPLE_RECORD.module) ids.push(SAMPLE_RECORD.id);
      for (let ordinal = 0; ordinal < recordsPerModule; ordinal += 1) {
        const id = recordId(module.index, ordinal);
        this.records.set(id, { module, ordinal, eventCount: undefined });
        ids.push(id);
      }
      this.listed.set(module.apiName, ids);
    }
    const leads = MODULES[0];
    if (leads !== undefined) this.records.set(LARGE_RECORD.id, { module: leads, ordinal: LARGE_RECORD_ORDINAL, eventCount: LARGE_RECORD_EVENTS });
  }

  listRecordIds(module: string): string[] {
    return [...(this.listed.get(module) ?? [])];
  }

  hasRecord(module: string, id: string): boolean {
    if (module === SAMPLE_RECORD.module && id === SAMPLE_RECORD.id) return true;
    if (module === SHAPES_RECORD.module && id === SHAPES_RECORD.id) return true;
    return this.records.get(id)?.module.apiName === module;
  }

  history(module: string, id: string): RecordHistory | undefined {
    if (!this.hasRecord(module, id)) return undefined;
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const ref = this.records.get(id);
    const history = ref !== undefined ? this.generate(id, ref) : id === SHAPES_RECORD.id ? shapesHistory() : sampleHistory();
    this.cache.set(id, history);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return history;
  }

  private generate(id: string, ref: RecordRef): RecordHistory {
    const module = ref.module;
    const prng = new Prng(hashString(`${this.seed}:${module.apiName}:${ref.ordinal}`));
    const count = ref.eventCount ?? prng.int(8, 60);
    const offset = this.timezoneOffset;
    let time = Date.UTC(2022, 0, 1) + prng.int(0, 700) * 86_400_000 + prng.int(0, 86_399) * 1000;
    const state: Record<string, string | null> = {};
    for (const definition of module.fields) state[definition.apiName] = initialValue(prng, definition, state);
    if (module.nameField === 'Full_Name') state.Full_Name = fullName(state);
    let owner = prng.pick(ACTING_USERS.filter((candidate) => candidate.status === 'active'));
    const creator = owner;
    const live: NamedRef[] = [];
    let tags: string[] = [];
    const events: StoredEvent[] = [];
    let relatedCounter = 0;
    const moduleRef = { api_name: module.apiName, id: module.id };
    const self = (): NamedRef => ({ module: { ...moduleRef }, name: state[module.nameField] ?? '', id });

    for (let index = 0; index < count; index += 1) {
      if (index > 0) time += (ref.eventCount === undefined ? prng.int(60, 3 * 86_400) : prng.int(5, 4_000)) * 1000;
      const actor = index === 0 ? creator : prng.pick(ACTING_USERS);
      const base = {
        done_by: doneBy(actor),
        audited_time: formatZohoTime(time, offset),
        id: eventId(module.index, ref.ordinal, index),
      };
      let event: TimelineEvent;
      let signal = false;
      if (index === 0) {
        event = assemble(base, { related_record: null, automation_details: null, record: self(), action: 'added', source: prng.pick(['crm_ui', 'crm_api', 'bulkapi', 'convert', 'wizard']), field_history: null });
      } else {
        const roll = prng.next();
        if (roll < 0.5) {
          const source = prng.pick(UPDATE_SOURCES);
          event = assemble(base, {
            related_record: null,
            automation_details: automationFor(prng, source, base.id),
            record: self(),
            action: 'updated',
            source,
            field_history: updateFields(prng, module, state),
          });
          if (event.field_history?.some((entry) => entry.api_name === module.nameField || entry.api_name === 'Last_Name')) {
            event.record.name = state[module.nameField] ?? '';
          }
        } else if (roll < 0.6) {
          const previous = owner;
          owner = prng.pick(ACTING_USERS.filter((candidate) => candidate.id !== previous.id && candidate.status === 'active'));
          const source = prng.pick(['change_owner', 'mass_change_owner_via_scheduler', 'assignment_rules', 'crm_ui']);
          event = assemble(base, {
            related_record: null,
            automation_details: null,
            record: self(),
            action: 'owner_assigned',
            source,
            field_history: [
              fullEntry({ api_name: 'Owner', field_label: `${singular(module.apiName)} Owner`, data_type: 'ownerlookup', id: `${module.id.slice(0, -3)}${String(Number(module.id.slice(-3)) + 400)}` }, previous.full_name, owner.full_name),
            ],
          });
        } else if (roll < 0.75 || (roll < 0.82 && live.length === 0)) {
          const relatedModule = prng.pick(RELATED_MODULES);
          relatedCounter += 1;
          const related: NamedRef = {
            module: { api_name: relatedModule, id: MODULE_IDS[relatedModule] ?? module.id },
            name: prng.pick(RELATED_NAMES[relatedModule] ?? ['Related']),
            id: relatedId(module.index, ref.ordinal, relatedCounter),
          };
          live.push(related);
          const source = prng.pick(['crm_ui', 'crm_api', 'workflow', 'bulkapi', 'macro']);
          event = assemble(base, {
            related_record: self(),
            automation_details: automationFor(prng, source, base.id),
            record: related,
            action: relatedModule === 'Tasks' && prng.chance(0.5) ? 'task_assigned' : 'added',
            source,
            field_history: null,
          });
        } else if (roll < 0.82) {
          const victim = live.splice(prng.int(0, live.length - 1), 1)[0] ?? self();
          const source = prng.pick(['crm_ui', 'mass_delete_via_crm_api', 'mass_delete_via_clean_up', 'crm_api']);
          event = assemble(base, { related_record: self(), automation_details: null, record: victim, action: 'deleted', source, field_history: null });
        } else if (roll < 0.87 && live.length > 0) {
          const target = prng.pick(live);
          const source = prng.pick(['crm_ui', 'workflow', 'crm_api']);
          const status = prng.pick(['Not Started', 'In Progress', 'Completed', 'Deferred']);
          event = assemble(base, {
            related_record: self(),
            automation_details: automationFor(prng, source, base.id),
            record: { ...target, module: { ...target.module } },
            action: 'updated',
            source,
            field_history: [fullEntry({ api_name: 'Status', field_label: 'Status', data_type: 'picklist', id: '554023000000001141' }, 'Not Started', status)],
          });
        } else if (roll < 0.96) {
          const source = prng.pick(['crm_ui', 'mass_update', 'bulk_action']);
          const removing = tags.length > 0 && prng.chance(0.35);
          const tag = removing ? prng.pick(tags) : prng.pick(TAGS.filter((candidate) => !tags.includes(candidate)).concat(TAGS[0] ?? 'Prime'));
          const before = tags.length === 0 ? 'blank' : tags.join(',');
          tags = removing ? tags.filter((candidate) => candidate !== tag) : [...new Set([...tags, tag])];
          const after = tags.length === 0 ? 'blank' : tags.join(',');
          event = assemble(base, {
            related_record: null,
            automation_details: null,
            record: self(),
            action: removing ? 'tag_removed' : 'tag_added',
            source,
            field_history: [fullEntry(TAG_FIELD, before, after)],
          });
        } else {
          signal = true;
          relatedCounter += 1;
          event = assemble(base, {
            related_record: self(),
            automation_details: null,
            record: { module: { api_name: 'Emails', id: MODULE_IDS.Emails ?? module.id }, name: prng.pick(RELATED_NAMES.Emails ?? ['Email']), id: relatedId(module.index, ref.ordinal, relatedCounter) },
            action: 'email_opened',
            source: 'crm_api',
            field_history: null,
          });
          event.type = 'signals';
          event.extension = { name: 'Email Insights', api_name: 'email_insights' };
        }
      }
      events.push({ json: event, time, signal });
    }
    events.reverse();
    const newest = events[0];
    const oldest = events[events.length - 1];
    return {
      module: module.apiName,
      id,
      events,
      fields: { ...state },
      ownerId: owner.id,
      createdTime: oldest?.json.audited_time ?? '',
      modifiedTime: newest?.json.audited_time ?? '',
      modifiedEpochMs: newest?.time ?? 0,
      createdBy: creator.id,
    };
  }
}

const UPDATE_SOURCES = [
  'crm_ui',
  'crm_api',
  'bulkapi',
  'mass_update',
  'mass_update_via_scheduler',
  'workflow',
  'blueprint',
  'mass_update_via_blueprint',
  'approval_process',
  'review_process',
  'orchestration',
  'custom_function',
  'macro',
  'scoringrule',
  'wizard',
  'bulk_action',
  'convert',
  'massconvert',
];

function automationFor(prng: Prng, source: string, eventIdText: string): TimelineEvent['automation_details'] {
  if (source === 'workflow') return { type: 'workflow_rule', rule: { ...prng.pick(WORKFLOW_RULES) } };
  if (source === 'blueprint' || source === 'mass_update_via_blueprint') return { type: 'blueprint', rule: { ...prng.pick(BLUEPRINTS) } };
  if (source === 'orchestration') return pathfinderFor(eventIdText);
  return null;
}

/**
 * A journey step (Zoho CommandCenter, called Pathfinder in the API). The state comes from a hash of the
 * event id, not from the record's generator, so adding these left every other generated value as it was.
 * The trigger_type value is the sandbox's own: the SDK types it as a plain string and lists no values.
 */
function pathfinderFor(eventIdText: string): AutomationDetails {
  const index = hashString(`pathfinder:${eventIdText}`) % PATHFINDER_STATES.length;
  const state = PATHFINDER_STATES[index] ?? { id: '554023000002410011', name: 'First contact' };
  const last = index === PATHFINDER_STATES.length - 1;
  return {
    type: 'pathfinder',
    rule: { ...PATHFINDER_PROCESS },
    pathfinder: { process_entry: index === 0, process_exit: last, state: { ...state, trigger_type: 'field_update', is_last_state: last } },
  };
}

function assemble(base: { done_by: TimelineEvent['done_by']; audited_time: string; id: string }, rest: Pick<TimelineEvent, 'related_record' | 'automation_details' | 'record' | 'action' | 'source' | 'field_history'>): TimelineEvent {
  // Key order as in the doc's sample response.
  return {
    done_by: base.done_by,
    related_record: rest.related_record,
    automation_details: rest.automation_details,
    record: rest.record,
    audited_time: base.audited_time,
    action: rest.action,
    id: base.id,
    source: rest.source,
    field_history: rest.field_history,
  };
}

function doneBy(actor: SandboxUser): TimelineEvent['done_by'] {
  return { profile: { ...actor.profile }, name: actor.full_name, id: actor.id, type__s: actor.type__s };
}

function fullEntry(definition: { api_name: string; field_label: string; data_type: string; id: string }, old: string | null, next: string | null, pickListValues: PickListValue[] = [], colour = false): FieldHistoryEntry {
  return {
    api_name: definition.api_name,
    field_label: definition.field_label,
    enable_colour_code: colour,
    data_type: definition.data_type,
    _value: { new: next, old },
    id: definition.id,
    pick_list_values: pickListValues,
  };
}

function updateFields(prng: Prng, module: ModuleDef, state: Record<string, string | null>): FieldHistoryEntry[] {
  const entries: FieldHistoryEntry[] = [];
  const changed = new Set<string>();
  const howMany = prng.chance(0.75) ? 1 : prng.int(2, 3);
  for (let attempt = 0; attempt < howMany; attempt += 1) {
    const definition = prng.pick(module.fields);
    if (changed.has(definition.apiName)) continue;
    changed.add(definition.apiName);
    const old = state[definition.apiName] ?? null;
    let next = nextValue(prng, definition, state);
    if (next === old) next = prng.chance(0.2) ? null : `${next ?? ''} (2)`;
    state[definition.apiName] = next;
    entries.push(fullEntry({ api_name: definition.apiName, field_label: definition.label, data_type: definition.dataType, id: definition.id }, old, next, definition.picklist, definition.colour));
    if (module.nameField === 'Full_Name' && (definition.apiName === 'First_Name' || definition.apiName === 'Last_Name')) {
      const oldFull = state.Full_Name ?? null;
      state.Full_Name = fullName(state);
      entries.push(fullEntry({ api_name: 'Full_Name', field_label: 'Full Name', data_type: 'text', id: `${definition.id.slice(0, -3)}${String(Number(definition.id.slice(-3)) + 40)}` }, oldFull, state.Full_Name));
    }
  }
  return entries;
}

function fullName(state: Record<string, string | null>): string {
  return [state.First_Name, state.Last_Name].filter((part) => part !== null && part !== undefined && part !== '').join(' ');
}

function initialValue(prng: Prng, definition: FieldDef, state: Record<string, string | null>): string | null {
  if (definition.kind !== 'last' && definition.kind !== 'company' && prng.chance(0.3)) return null;
  return nextValue(prng, definition, state);
}

function nextValue(prng: Prng, definition: FieldDef, state: Record<string, string | null>): string | null {
  switch (definition.kind) {
    case 'first':
      return prng.pick(FIRST_NAMES);
    case 'last':
      return prng.pick(LAST_NAMES);
    case 'company':
      return prng.pick(COMPANIES);
    case 'text':
      return prng.pick([...TEXTS, ...CITIES]);
    case 'textarea':
      return prng.pick(TEXTAREAS);
    case 'phone':
      return prng.pick(['+1 555 0100', `+91 98${prng.int(10000000, 99999999)}`, '+1', `03-${prng.int(1000, 9999)}-${prng.int(1000, 9999)}`, '1234567']);
    case 'email':
      return `${(state.Last_Name ?? 'contact').replace(/[^A-Za-z]/g, '').toLowerCase() || 'contact'}${prng.int(1, 99)}@example.com`;
    case 'website':
      return prng.pick(['https://zylker.example', 'http://x', 'https://例え.jp', 'www.acme.example/path?q="1"']);
    case 'currency':
      return `${prng.int(0, 2_000_000)}.${String(prng.int(0, 99)).padStart(2, '0')}`;
    case 'date':
      return `20${prng.int(18, 26)}-${String(prng.int(1, 12)).padStart(2, '0')}-${String(prng.int(1, 28)).padStart(2, '0')}`;
    case 'boolean':
      return prng.chance(0.5) ? 'true' : 'false';
    case 'picklist':
      return prng.pick(definition.picklist).display_value;
  }
}

function singular(module: string): string {
  return module === 'Leads' ? 'Lead' : module === 'Contacts' ? 'Contact' : module === 'Accounts' ? 'Account' : 'Deal';
}

/** 18-digit ids like Zoho's: the org prefix 554023 and 12 digits. */
function recordId(moduleIndex: number, ordinal: number): string {
  return `554023${String(5_000_000_000 + moduleIndex * 100_000_000 + ordinal * 997 + 39).padStart(12, '0')}`;
}

function eventId(moduleIndex: number, ordinal: number, index: number): string {
  return `554023${String(300_000_000_000 + (moduleIndex * 100_000 + ordinal) * 100_000 + index).padStart(12, '0')}`;
}

function relatedId(moduleIndex: number, ordinal: number, counter: number): string {
  return `554023${String(700_000_000_000 + (moduleIndex * 100_000 + ordinal) * 100_000 + counter).padStart(12, '0')}`;
}

// ---- the record of unusual-but-valid shapes ----------------------------------------------------

function shapesHistory(): RecordHistory {
  const self: NamedRef = { module: { api_name: 'Leads', id: MODULE_IDS.Leads ?? '554023000000000125' }, name: 'Shapes Lead', id: SHAPES_RECORD.id };
  const admin = USERS[0]!;
  const at = (minutes: number): { audited_time: string; time: number } => {
    const time = Date.UTC(2024, 2, 1, 9, 0, 0) + minutes * 60_000;
    return { audited_time: formatZohoTime(time, '+00:00'), time };
  };
  const sourcePicks: PickListValue[] = [
    { display_value: '-None-', sequence_number: 1, colour_code: null, actual_value: '-None-', id: '554023000000002313' },
    { display_value: 'Cold Call', sequence_number: 6, colour_code: null, actual_value: 'Cold Call', id: '554023000000002317', type: 'used' },
    { display_value: 'Web Research', sequence_number: 27, colour_code: null, actual_value: 'Web Research', id: '554023000000172087' },
  ];
  const event = (minutes: number, id: string, rest: Omit<TimelineEvent, 'audited_time' | 'id' | 'record'>, signal = false): StoredEvent => {
    const { audited_time, time } = at(minutes);
    // Key order as in the doc's sample response.
    const json: TimelineEvent = {
      done_by: rest.done_by,
      related_record: rest.related_record,
      automation_details: rest.automation_details,
      record: { ...self, module: { ...self.module } },
      audited_time,
      action: rest.action,
      id,
      source: rest.source,
      field_history: rest.field_history,
    };
    if (rest.type !== undefined) json.type = rest.type;
    if (rest.extension !== undefined) json.extension = rest.extension;
    return { json, time, signal };
  };
  const user = doneBy(admin);
  // Newest first, as the API returns them.
  const events: StoredEvent[] = [
    event(50, '554023000004000006', { done_by: null, related_record: null, automation_details: null, action: 'updated', source: 'workflow', field_history: [fullEntry(PHONE_FIELD, '1234567', '7654321')] }),
    event(
      40,
      '554023000004000005',
      { done_by: user, related_record: self, automation_details: null, action: 'email_opened', source: 'crm_api', field_history: null, type: 'signals', extension: { name: 'Email Insights', api_name: 'email_insights' } },
      true,
    ),
    event(30, '554023000004000004', { done_by: user, related_record: null, automation_details: null, action: 'updated', source: 'crm_ui', field_history: [fullEntry(LEAD_SOURCE_FIELD, 'Cold Call', 'Web Research', sourcePicks)], type: 'timeline' }),
    event(20, SHAPES_BIG_EVENT_ID, { done_by: null, related_record: null, automation_details: null, action: 'owner_assigned', source: 'assignment_rules', field_history: null }),
    event(10, '554023000004000002', { done_by: user, related_record: null, automation_details: null, action: 'updated', source: 'crm_api', field_history: [fullEntry(LEAD_SOURCE_FIELD, null, 'Cold Call', sourcePicks)] }),
    event(0, '554023000004000001', { done_by: user, related_record: null, automation_details: null, action: 'added', source: 'crm_api', field_history: null }),
  ];
  return {
    module: SHAPES_RECORD.module,
    id: SHAPES_RECORD.id,
    events,
    fields: { First_Name: 'Shapes', Last_Name: 'Lead', Full_Name: 'Shapes Lead', Company: 'Zylker', Email: null, Phone: '7654321', Lead_Source: 'Web Research', Lead_Status: null, Description: null, Annual_Revenue: null, Email_Opt_Out: 'false' },
    ownerId: admin.id,
    createdTime: at(0).audited_time,
    modifiedTime: at(50).audited_time,
    modifiedEpochMs: at(50).time,
    createdBy: admin.id,
    idsAsNumbers: true,
  };
}

// ---- the doc's sample record -------------------------------------------------------------------

/** The sample response's `info`, served verbatim (count 10 although it lists 8 entries) with the full sample. */
export const SAMPLE_INFO = SAMPLE_TIMELINE_RESPONSE.info;

function sampleHistory(): RecordHistory {
  const events: StoredEvent[] = SAMPLE_EVENTS.map((event) => ({
    json: event,
    time: Date.parse(event.audited_time),
    signal: false,
  }));
  const newest = events[0];
  const oldest = events[events.length - 1];
  return {
    module: SAMPLE_RECORD.module,
    id: SAMPLE_RECORD.id,
    events,
    fields: {
      First_Name: 'Patricia',
      Last_Name: 'Boyle',
      Full_Name: 'Patricia Boyle',
      Company: 'ABC',
      Email: null,
      Phone: '1234567',
      Lead_Source: 'Cold Call',
      Lead_Status: null,
      Description: null,
      Annual_Revenue: null,
      Email_Opt_Out: 'false',
    },
    ownerId: '554023000000235011',
    createdTime: oldest?.json.audited_time ?? '',
    modifiedTime: newest?.json.audited_time ?? '',
    modifiedEpochMs: newest?.time ?? 0,
    createdBy: '554023000000235011',
  };
}
