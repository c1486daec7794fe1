using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Aspects.Redis.RateLimiting;

/// <summary>A Lua script run by hash (<c>EVALSHA</c>), sent whole only when the server does not know it.</summary>
internal sealed class RedisScript
{
    private readonly string _text;
    private readonly byte[] _hash;

    public RedisScript(string script)
    {
        _text = LuaScript.Prepare(script).ExecutableScript;
        _hash = SHA1.HashData(Encoding.UTF8.GetBytes(_text));
    }

    // EVALSHA first (only the hash travels); a server that does not know the script yet (first use,
    // restart, failover) answers NOSCRIPT and gets the whole script once with EVAL, which caches it.
    // The EVALSHA is written to the connection before this method first yields, so commands issued
    // after it on the same multiplexer reach Redis after it.
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] arguments)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_hash, keys, arguments).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(_text, keys, arguments).ConfigureAwait(false);
        }
    }
}
