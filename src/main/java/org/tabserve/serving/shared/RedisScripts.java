package org.tabserve.serving.shared;

/**
 * The Lua scripts {@link RedisAnswers} and {@link RedisBuckets} run in Redis, each one step done at once there: keeping
 * an answer within the fleet's room, joining a label to it, reading an hour's label sums, and taking a request's tokens
 * from a client's buckets. What they read back is bounded in Redis
 * itself (a type checked, a value's length checked before it is read), so that a value no replica wrote, however
 * large or odd, never travels to the server nor stops it.
 */
final class RedisScripts {

    private RedisScripts() {}

    /** What {@link #KEEP} answers for an answer whose id names another request's answer. */
    static final int TAKEN = 2;

    /**
     * Keeps an answer, never replacing one: a first part whose id has an answer, or whose mark is not yet gone, is
     * not kept; a later part is kept only on its own request's earlier rows (its ticket, and the rows kept so far).
     * KEYS: the answer's hash, its id's mark (kept twice as long, so that a late label is told expired), the room's
     * count of this five minutes. ARGV: seconds to keep it, seconds to keep the mark, its bytes, the room's cap for
     * five minutes, its first row, its version, its request's ticket, then each row's answer. Returns 1 when kept,
     * {@link #TAKEN} when its id names another request's answer, 0 when the room is full or a later part's earlier
     * rows are not kept.
     */
    static final String KEEP = """
            local first = tonumber(ARGV[5])
            if first == 0 then
              if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
            else
              if redis.call('TYPE', KEYS[1]).ok ~= 'hash' or redis.call('HSTRLEN', KEYS[1], 'n') > 12
                  or redis.call('HSTRLEN', KEYS[1], 'p') > 24 then
                return 0
              end
              if redis.call('HGET', KEYS[1], 'p') ~= ARGV[7] then return 2 end
              if tonumber(redis.call('HGET', KEYS[1], 'n')) ~= first then return 0 end
            end
            local ttl = tonumber(ARGV[1])
            local bytes = tonumber(ARGV[3])
            local used = redis.call('INCRBY', KEYS[3], bytes)
            if used == bytes then redis.call('EXPIRE', KEYS[3], ttl) end
            if used > tonumber(ARGV[4]) then
              redis.call('DECRBY', KEYS[3], bytes)
              return 0
            end
            if first == 0 then
              redis.call('HSET', KEYS[1], 'v', ARGV[6], 'p', ARGV[7])
            end
            local rows = #ARGV - 7
            for i = 1, rows do
              redis.call('HSET', KEYS[1], tostring(first + i - 1), ARGV[7 + i])
            end
            redis.call('HSET', KEYS[1], 'n', tostring(first + rows))
            redis.call('EXPIRE', KEYS[1], ttl)
            redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
            return 1
            """;

    /**
     * Joins a label. KEYS: the answer's hash, its id's mark. ARGV: the row. Returns {@code {'joined', version,
     * answer}}, {@code {'duplicate', version}}, {@code {'expired'}}, {@code {'unknown'}} or {@code {'corrupt'}} (a
     * value no replica wrote: a wrong type, or too long to be one).
     */
    static final String JOIN = """
            local kind = redis.call('TYPE', KEYS[1]).ok
            if kind == 'none' then
              if redis.call('EXISTS', KEYS[2]) == 1 then return {'expired'} end
              return {'unknown'}
            end
            if kind ~= 'hash' then return {'corrupt'} end
            if redis.call('HSTRLEN', KEYS[1], 'v') > 20 or redis.call('HSTRLEN', KEYS[1], ARGV[1]) > 32 then
              return {'corrupt'}
            end
            local got = redis.call('HMGET', KEYS[1], 'v', ARGV[1])
            if not got[1] then return {'corrupt'} end
            if not got[2] then return {'unknown'} end
            if redis.call('HSETNX', KEYS[1], 'l' .. ARGV[1], '1') == 0 then return {'duplicate', got[1]} end
            return {'joined', got[1], got[2]}
            """;

    /**
     * Sums an hour's label figures. KEYS: the buckets' hashes. ARGV: the fields. Returns each field's sum as text;
     * a bucket of another type, a field too long, not a number or negative is left out.
     */
    static final String SUMS = """
            local sums = {}
            for j = 1, #ARGV do sums[j] = 0 end
            for i = 1, #KEYS do
              if redis.call('TYPE', KEYS[i]).ok == 'hash' then
                for j = 1, #ARGV do
                  if redis.call('HSTRLEN', KEYS[i], ARGV[j]) <= 32 then
                    local x = tonumber(redis.call('HGET', KEYS[i], ARGV[j]))
                    if x and x >= 0 and x < 1e15 then sums[j] = sums[j] + x end
                  end
                end
              end
            end
            for j = 1, #ARGV do sums[j] = string.format('%.17g', sums[j]) end
            return sums
            """;

    /**
     * Takes one token from each of a client's buckets, one for each of its rates, when every one has one, and none
     * when one has none: all read, then all written, in one run, on Redis's own clock ({@code TIME}), so that
     * replicas whose clocks differ share the buckets exactly. KEYS: the buckets (each a hash: {@code t} the tokens
     * left, {@code at} when, in microseconds). ARGV: each bucket's size (its rate's number) and its window in seconds,
     * in the keys' order. A bucket that is missing, of another type, or holds what no replica writes (too long, not a
     * number, out of range) is taken as full (and replaced when its token is taken). Tokens taken write each bucket
     * with an expiry of when it would be full again, so that an idle client's buckets leave no key; a refusal writes
     * nothing. Returns {@code {0, 0}} when the tokens are taken, else {@code {MICROS, I}}: how many microseconds until
     * every bucket has a token (at least 1, at most the window of bucket I), and I the bucket (from 1) that needs
     * the longest.
     */
    static final String TAKE = """
            if redis.replicate_commands then redis.replicate_commands() end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
            local tokens, pers, valid = {}, {}, {}
            local wait, refused = 0, 0
            for i = 1, #KEYS do
              local permits = tonumber(ARGV[2 * i - 1])
              local window = tonumber(ARGV[2 * i]) * 1000000
              local per = window / permits
              pers[i] = per
              tokens[i] = permits
              valid[i] = false
              if redis.call('TYPE', KEYS[i]).ok == 'hash' and redis.call('HSTRLEN', KEYS[i], 't') <= 32
                  and redis.call('HSTRLEN', KEYS[i], 'at') <= 32 then
                local kept = redis.call('HMGET', KEYS[i], 't', 'at')
                local t = tonumber(kept[1])
                local at = tonumber(kept[2])
                if t and at and t >= 0 and t <= permits and at > 0 and at <= now + per * permits then
                  tokens[i] = math.min(permits, t + math.max(0, now - at) / per)
                  valid[i] = true
                end
              end
              if tokens[i] < 1 then
                local needed = math.min(math.ceil((1 - tokens[i]) * per), window)
                if needed > wait then
                  wait = needed
                  refused = i
                end
              end
            end
            if refused > 0 then return {wait, refused} end
            for i = 1, #KEYS do
              local permits = tonumber(ARGV[2 * i - 1])
              local left = tokens[i] - 1
              if not valid[i] then redis.call('DEL', KEYS[i]) end
              redis.call('HSET', KEYS[i], 't', string.format('%.17g', left), 'at', string.format('%.17g', now))
              redis.call('PEXPIRE', KEYS[i], math.ceil((permits - left) * pers[i] / 1000) + 1)
            end
            return {0, 0}
            """;
}
