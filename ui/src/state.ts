// The explorer's query, shared so other views can open it on a filter
// (an anomaly's day and service, a recommendation's account).

import type { ExploreQuery, Filter } from "./bindings";

/** Group-by choices (dimension name, label), as the engine lists them. */
export { DIMENSIONS } from "./bindings";

export function defaultQuery(): ExploreQuery {
  return {
    group_by: "service",
    measure: "effective",
    period: "day",
    range: null,
    from: null,
    to: null,
    filters: [],
    top: null,
    compare: null,
  };
}

/** Keeps only the rows where `dimension` is `value`. */
export function is(dimension: string, value: string): Filter {
  return { dimension, values: [value], exclude: false };
}

/** Adds a filter, replacing any other on the same dimension (a drill-in). */
export function withFilter(query: ExploreQuery, filter: Filter): ExploreQuery {
  return {
    ...query,
    filters: [...query.filters.filter((f) => f.dimension !== filter.dimension), filter],
  };
}

/** Adds a value to the filter on its dimension and mode (included values
 * are any of them; excluded ones none), or starts that filter. */
export function withValue(
  query: ExploreQuery,
  dimension: string,
  value: string,
  exclude: boolean,
): ExploreQuery {
  const same = query.filters.find((f) => f.dimension === dimension && f.exclude === exclude);
  if (same?.values.includes(value)) return query;
  const filters = same
    ? query.filters.map((f) => (f === same ? { ...f, values: [...f.values, value] } : f))
    : [...query.filters, { dimension, values: [value], exclude }];
  return { ...query, filters };
}

export function withoutFilter(query: ExploreQuery, filter: Filter): ExploreQuery {
  return { ...query, filters: query.filters.filter((f) => f !== filter) };
}

/** A click on a group: filter on it and move to the dimension the engine
 * says explains it next (service -> usage type -> resource). */
export function drillInto(
  query: ExploreQuery,
  groupBy: string,
  value: string,
  next: string | null,
): ExploreQuery {
  return { ...withFilter(query, is(groupBy, value)), group_by: next ?? query.group_by };
}

/** How a filter reads on its chip: `service is EC2 or S3`. */
export function filterLabel(filter: Filter): string {
  return `${filter.dimension} ${filter.exclude ? "is not" : "is"} ${filter.values.join(" or ")}`;
}

/** The explorer query for one day of one anomaly's service or account. */
export function anomalyQuery(
  date: string,
  dimension: string,
  value: string,
  nextDay: string,
): ExploreQuery {
  return {
    ...defaultQuery(),
    group_by: dimension === "account" ? "service" : "subaccount",
    from: date,
    to: nextDay,
    filters: [is(dimension === "account" ? "subaccount" : "service", value)],
  };
}
