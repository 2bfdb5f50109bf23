package org.tabserve.serving.shared;

/**
 * The Lua scripts {@link RedisSessions} runs in Redis, each one step done at once there: a session's opening, its use
 * (its timeouts checked, its expiry moved on), and a sign-in's return, marked once within the fleet's bound. What
 * they read back is bounded in Redis itself (a type checked, a value's length checked before it is read), so that a
 * value no replica wrote, however large or odd, never travels to the server.
 */
final class SessionScripts {

    private SessionScripts() {}

    /**
     * Opens a session. KEYS: the session's hash. ARGV: its sealed value, when it was opened (epoch ms), its idle
     * timeout (ms). Its hash holds {@code v} (the value), {@code c} (opened) and {@code u} (last used).
     */
    static final String OPEN = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'c', ARGV[2], 'u', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /**
     * Uses a session. KEYS: the session's hash. ARGV: now (epoch ms), the idle timeout (ms), the absolute timeout
     * (ms), the longest value. Returns nil (none), {@code {'ended'}} (its time was up: deleted), {@code {'corrupt'}}
     * (a value no replica wrote: a wrong type, a field missing, too long or not a number), or
     * {@code {'session', value, opened}}, its last use set to now and its expiry to what is left of its timeouts.
     */
    static final String TOUCH = """
            local kind = redis.call('TYPE', KEYS[1]).ok
            if kind == 'none' then return false end
            if kind ~= 'hash' or redis.call('HSTRLEN', KEYS[1], 'v') > tonumber(ARGV[4])
                or redis.call('HSTRLEN', KEYS[1], 'c') > 15 or redis.call('HSTRLEN', KEYS[1], 'u') > 15 then
              return {'corrupt'}
            end
            local got = redis.call('HMGET', KEYS[1], 'v', 'c', 'u')
            local now = tonumber(ARGV[1])
            local opened = tonumber(got[2])
            local used = tonumber(got[3])
            if not got[1] or not opened or not used then return {'corrupt'} end
            if now - used > tonumber(ARGV[2]) or now - opened > tonumber(ARGV[3]) then
              redis.call('DEL', KEYS[1])
              return {'ended'}
            end
            local left = math.min(tonumber(ARGV[2]), opened + tonumber(ARGV[3]) - now)
            redis.call('HSET', KEYS[1], 'u', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], math.max(1, math.floor(left)))
            return {'session', got[1], got[2]}
            """;

    /**
     * Marks a sign-in's return, once, within the fleet's bound. KEYS: the sign-in's mark, the count of this window's
     * returns. ARGV: a sign-in's lifetime (s), the most returns a window. Returns 2 when it is marked already (a second
     * use), 0 when the bound is reached (a count that is no number counts as reached), else 1: marked and counted.
     */
    static final String RETURN = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
            if redis.call('TYPE', KEYS[2]).ok ~= 'none' and redis.call('TYPE', KEYS[2]).ok ~= 'string' then
              return 0
            end
            if redis.call('STRLEN', KEYS[2]) > 15 then return 0 end
            local returned = tonumber(redis.call('GET', KEYS[2]) or '0')
            if not returned or returned >= tonumber(ARGV[2]) then return 0 end
            redis.call('SET', KEYS[2], tostring(returned + 1), 'KEEPTTL')
            if returned == 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
            redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
            return 1
            """;
}
