/**
 * The part of Zoho's Node SDK for CRM v8 (@zohocrm/nodejs-sdk-8.0, plain JavaScript without type
 * declarations) that tests/integration/zoho/sdk-second-reading.test.ts uses, typed from its sources
 * (lib/routes, lib/models/authenticator, lib/core/com/zoho/crm/api/timelines).
 */
declare module '@zohocrm/nodejs-sdk-8.0' {
  export class Environment {
    constructor(url: string, accountsUrl: string, fileUploadUrl: string);
    getUrl(): string;
  }
  export class Token {}
  export class OAuthBuilder {
    accessToken(token: string): this;
    findUser(find: boolean): this;
    build(): Token;
  }
  export class TokenStore {}
  export class FileStore extends TokenStore {
    constructor(filePath: string);
  }
  export const Levels: { OFF: string; INFO: string };
  export class Logger {}
  export class LogBuilder {
    level(level: string): this;
    filePath(path: string): this;
    build(): Logger;
  }
  export class InitializeBuilder {
    constructor();
    environment(environment: Environment): this;
    token(token: Token): this;
    store(store: TokenStore): this;
    logger(logger: Logger): this;
    resourcePath(path: string): this;
    initialize(): Promise<void>;
  }
  export class Param {}
  export class ParameterMap {
    add(param: Param, value: string): Promise<void>;
  }
  export class APIResponse<T> {
    getStatusCode(): number;
    getObject(): T;
  }
  export namespace Timelines {
    interface NameIdStructure {
      getName(): string | undefined;
      getId(): string | undefined;
    }
    interface Module {
      getAPIName(): string | undefined;
      getId(): bigint | undefined;
    }
    interface RecordRef {
      getName(): string | undefined;
      getId(): bigint | undefined;
      getModule(): Module | undefined;
    }
    interface RelatedRecord {
      getName(): string | undefined;
      getId(): bigint | undefined;
      getModule(): NameIdStructure | undefined;
    }
    interface FieldHistory {
      getAPIName(): string | undefined;
      getId(): bigint | undefined;
    }
    interface State {
      getId(): bigint | undefined;
      getName(): string | undefined;
      getTriggerType(): string | undefined;
      getIsLastState(): boolean | undefined;
    }
    interface PathFinder {
      getState(): State | undefined;
      getProcessEntry(): boolean | undefined;
      getProcessExit(): boolean | undefined;
    }
    interface AutomationDetail {
      getType(): string | undefined;
      getRule(): NameIdStructure | undefined;
      getPathfinder(): PathFinder | undefined;
    }
    interface Timeline {
      getId(): bigint | undefined;
      getAuditedTime(): Date | undefined;
      getAction(): string | undefined;
      getSource(): string | undefined;
      getType(): string | undefined;
      getExtension(): unknown;
      getDoneBy(): NameIdStructure | undefined;
      getRecord(): RecordRef | undefined;
      getRelatedRecord(): RelatedRecord | undefined;
      getAutomationDetails(): AutomationDetail | undefined;
      getFieldHistory(): FieldHistory[] | undefined;
    }
    interface Info {
      getMoreRecords(): boolean | undefined;
      getNextPageToken(): string | undefined;
      getCount(): number | undefined;
    }
    class ResponseWrapper {
      getTimeline(): Timeline[];
      getInfo(): Info | undefined;
    }
    class APIException {
      getCode(): { getValue(): string } | undefined;
      getMessage(): { getValue(): string } | undefined;
    }
    class TimelinesOperations {
      getTimelines(module: string, recordId: string, params?: ParameterMap): Promise<APIResponse<ResponseWrapper | APIException> | null>;
    }
    class GetTimelinesParam {
      static PER_PAGE: Param;
      static PAGE_TOKEN: Param;
      static INCLUDE: Param;
      static INCLUDE_TIMELINE_TYPE: Param;
      static INCLUDE_INNER_DETAILS: Param;
      static SORT_ORDER: Param;
    }
  }
}
