package dev.tether.admin.json;

import dev.tether.connection.Outcome;

/**
 * How an incarnation ended: {@code {"kind", "initiator", "detail", "at"}}.
 *
 * @param kind the outcome kind's wire name, e.g. {@code clean}, {@code truncated}
 * @param initiator {@code local} or {@code peer}
 * @param detail a human-readable explanation
 * @param at ISO-8601 UTC
 */
public record OutcomeJson(String kind, String initiator, String detail, String at) {
  public static OutcomeJson of(Outcome o) {
    return new OutcomeJson(o.kind().wireName(), o.initiator().wireName(), o.detail(), o.at().toString());
  }
}
