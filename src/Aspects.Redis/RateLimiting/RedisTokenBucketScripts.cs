namespace Aspects.Redis.RateLimiting;

/// <summary>
/// The Lua scripts of <see cref="RedisTokenBucket"/>: one takes permits (or reserves them for a waiter), the other
/// gives back a reservation whose holder never ran. Each runs atomically in Redis and is timed by Redis <c>TIME</c>.
/// </summary>
internal static class RedisTokenBucketScripts
{
    // KEYS[1] bucket state: the theoretical arrival time (TAT), integer µs since the Unix epoch.
    // KEYS[2] freed slots: a sorted set of reservations given back while later ones stood behind them
    //         (see Refund), scored by their end TAT, each member a reservation token.
    // ARGV: µs per permit, burst, permits (0 reserves nothing and waits for the next permit), max wait in µs
    //       (-1 = unlimited).
    // Returns {1, wait µs, token} when admitted (after waiting that long), {0, retry-after µs} when not.
    // The token 'end:permits:before:start' (all integer µs) names the reservation for Refund:
    // the TAT it wrote, its permits, the TAT it started from, and when its holder may start.
    // Rounding the new TAT up makes every permit cost at least its exact interval: never over-admits.
    // A caller that would wait first looks for a freed slot (same permits, starting no earlier than now,
    // sooner than its own turn) and takes it whole: see Refund for why that admits nothing extra.
    // Numbers reach Redis through string.format: Lua prints large numbers with 14 digits only.
    public const string Acquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local permits = tonumber(ARGV[3])
        local max_wait = tonumber(ARGV[4])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local new_tat = math.ceil(tat + permits * interval)
        -- Zero permits reserve nothing: they wait for the permit after those already promised.
        local wait = math.max(new_tat, tat + interval) - burst * interval - now
        if wait < 0 then wait = 0 end
        wait = math.ceil(wait)
        if wait > 0 and permits > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
            local freed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '+inf', 'LIMIT', 0, 16)
            for i = 1, #freed do
                local n, start = string.match(freed[i], '^%d+:(%d+):%d+:(%d+)$')
                start = tonumber(start)
                if not start or start < now then
                    redis.call('ZREM', KEYS[2], freed[i])
                elseif tonumber(n) == permits and start - now < wait and (max_wait < 0 or start - now <= max_wait) then
                    redis.call('ZREM', KEYS[2], freed[i])
                    return {1, start - now, freed[i]}
                end
            end
        end
        if wait > 0 and (max_wait >= 0 and wait > max_wait) then
            return {0, wait}
        end
        if permits == 0 then
            return {1, wait, ''}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
        return {1, wait, string.format('%.0f:%d:%.0f:%.0f', new_tat, permits, tat, math.ceil(new_tat - burst * interval))}
        """;

    // Gives back the reservation named by ARGV[1] (a token from Acquire) whose holder never ran.
    // Returns 1 (returned: the TAT moved back), 2 (held: recorded as a freed slot), 0 (lapsed: nothing to do).
    //
    // Why this frees exactly the reservation's slot and never lets the bucket exceed its burst:
    // * Every acquisition moves the TAT from `before` up to `end` (> before), and a refund of the newest
    //   reservation moves it back to exactly `before`, so the TAT behaves like a stack: while our reservation
    //   stands, TAT >= end, with equality only when every reservation made after ours (by any process) has
    //   been given back. So TAT == end means ours is the last in line: moving the TAT back to `before` (the
    //   TAT ours started from, already clamped to the TIME of its acquisition) leaves Redis exactly as if we
    //   had never reserved. A value below TIME now means the bucket is full, so the key is deleted (the
    //   acquire script treats a missing key as TIME now): the TAT never goes below now, and the next caller
    //   gets our slot, no earlier and no later. Freed slots directly below become last in turn and are
    //   taken back the same way.
    // * When others reserved after us (TAT > end), moving the TAT back by our interval would be wrong:
    //   their waits are fixed in their own processes, so the next caller would be told the same start as
    //   the last of them, two callers at once where the schedule had room for one (more than the burst).
    //   Instead the slot is recorded in KEYS[2]; the acquire script hands it whole (same permits, same start)
    //   to the next caller who would otherwise wait longer. The set of starts stays one the script has
    //   already admitted, with one holder swapped for another, so nothing extra is admitted.
    // * A slot whose start has passed is dropped, not handed out late: a late start could coincide with a
    //   later slot. That permit is lost (the bucket errs on the side of admitting less).
    // * No key (expired or flushed) means the bucket is full again: nothing to give back.
    public const string Refund = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        local tat = tonumber(current)
        local reserved_end, before, start = string.match(ARGV[1], '^(%d+):%d+:(%d+):(%d+)$')
        if tat == tonumber(reserved_end) then
            tat = tonumber(before)
            while true do
                local below = redis.call('ZRANGEBYSCORE', KEYS[2], string.format('%.0f', tat), string.format('%.0f', tat), 'LIMIT', 0, 1)
                if #below == 0 then break end
                redis.call('ZREM', KEYS[2], below[1])
                tat = tonumber(string.match(below[1], '^%d+:%d+:(%d+):'))
            end
            if tat <= now then
                redis.call('DEL', KEYS[1])
            else
                redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
            end
            return 1
        end
        start = tonumber(start)
        if tat > tonumber(reserved_end) and start > now then
            redis.call('ZADD', KEYS[2], reserved_end, ARGV[1])
            local ttl = math.ceil((start - now) / 1000) + 1000
            if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
            return 2
        end
        return 0
        """;
}
