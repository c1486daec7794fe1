using static Aspects.Generators.Tests.Misuse.Expectation;

namespace Aspects.Generators.Tests.Misuse;

/// <summary>
/// Wrong programs users write, one per entry, each with the single outcome the generator owes them.
/// Grouped by what is wrong: return types, bodies, types, targets, attribute values, parameters,
/// then programs that look suspicious but are fine.
/// </summary>
public static class MisuseCatalogue
{
    public static readonly IReadOnlyList<MisuseCase> All =
    [
        // ---- Return types -------------------------------------------------------------------------
        new("Retry_on_an_async_stream", """
            public partial class Feed
            {
                [Retry]
                public partial IAsyncEnumerable<int> ListAsync();
                private IAsyncEnumerable<int> ListCoreAsync() => throw new NotSupportedException();
            }
            """, Reports("ASP0006", at: "IAsyncEnumerable<int>", says: "returns 'IAsyncEnumerable<int>'")),

        new("Retry_on_a_ref_readonly_return", """
            public partial class Buffer
            {
                private int _value;
                [Retry]
                public partial ref readonly int Peek();
                private ref readonly int PeekCore() => ref _value;
            }
            """, Reports("ASP0006", at: "ref readonly int", says: "returns 'ref int'")),

        new("Retry_on_a_custom_awaitable", """
            public sealed class Later
            {
                public System.Runtime.CompilerServices.TaskAwaiter GetAwaiter() => Task.CompletedTask.GetAwaiter();
            }
            public partial class Jobs
            {
                [Retry]
                public partial Later RunAsync();
                private Later RunCoreAsync() => new();
            }
            """, Reports("ASP0006", at: "Later", says: "returns 'Later'")),

        new("Retry_on_a_span_return", """
            public partial class Parser
            {
                [Retry]
                public partial Span<byte> Read();
                private Span<byte> ReadCore() => default;
            }
            """, Reports("ASP0006", at: "Span<byte>", says: "returns 'Span<byte>'")),

        // ---- Bodies ----------------------------------------------------------------------------------
        new("Body_named_with_Async_before_Core", """
            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city, CancellationToken ct = default);
                private Task<string> GetForecastAsyncCore(string city, CancellationToken ct) => Task.FromResult(city);
            }
            """, Reports("ASP0003", at: "GetForecastAsync", says: "did you mean 'GetForecastAsyncCore'? It has the expected signature, but the body must be named 'GetForecastCoreAsync'")),

        new("Missing_body_method", """
            public partial class Catalog
            {
                [Retry]
                public partial Task<string?> FindAsync(int id, CancellationToken ct = default);
            }
            """, Reports("ASP0003", at: "FindAsync", says: "add 'private async Task<string?> FindCoreAsync(int id, CancellationToken ct) { ... }'")),

        new("Body_method_with_a_different_parameter_type", """
            public partial class Catalog
            {
                [Retry]
                public partial Task<int> GetAsync(long id);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
            }
            """, Reports("ASP0004", at: "GetCoreAsync", says: "declare it as 'private async Task<int> GetCoreAsync(long id)'")),

        new("Body_method_static_when_the_declaration_is_not", """
            public partial class Catalog
            {
                [Retry]
                public partial int Count();
                private static int CountCore() => 1;
            }
            """, Reports("ASP0004", at: "CountCore", says: "declare it as 'private int CountCore()'")),

        new("Body_method_with_a_different_number_of_type_parameters", """
            public partial class Catalog
            {
                [Retry]
                public partial T Get<T>(int id);
                private object GetCore(int id) => id;
            }
            """, Reports("ASP0004", at: "GetCore", says: "declare it as 'private T GetCore<T>(int id)'")),

        // The body's types are compared by what they bind to, not by how they are spelled: the same
        // spelling under other usings is another type, and another spelling of the same type is fine.
        new("Body_method_spelled_alike_in_a_part_with_other_usings", """
            namespace Left { public sealed class Item { } }
            namespace Right { public sealed class Item { } }
            namespace Shop
            {
                using Left;
                public partial class Catalog
                {
                    [Retry]
                    public partial int Count(Item item);
                }
            }
            namespace Shop
            {
                using Right;
                public partial class Catalog
                {
                    private int CountCore(Item item) => 1;
                }
            }
            """, Reports("ASP0004", at: "CountCore", says: "does not match 'Count'")),

        new("Body_method_types_spelled_differently_are_fine", """
            using Number = System.Int32;
            public partial class Catalog
            {
                [Retry]
                public partial Task<int> GetAsync(Number id, string? name, CancellationToken ct);
                private Task<Int32> GetCoreAsync(int id, String? name, System.Threading.CancellationToken ct) => Task.FromResult(id);
            }
            """, CompilesCleanly()),

        new("Partial_method_with_a_handwritten_implementation", """
            public partial class Catalog
            {
                [Retry]
                public partial int Count();
                public partial int Count() => 1;
                private int CountCore() => 1;
            }
            """, Reports("ASP0008", at: "Count", says: "delete the implementing declaration")),

        new("Ordinary_method_with_a_body", """
            public partial class Catalog
            {
                [RateLimited(PermitsPerSecond = 5)]
                public Task PingAsync() => Task.CompletedTask;
                private Task PingCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0001", at: "PingAsync", says: "move the body into 'PingCoreAsync'")),

        // ---- Containing types ------------------------------------------------------------------------
        new("Top_level_type_not_partial", """
            public class Catalog
            {
                [Retry]
                public partial int Count();
                private int CountCore() => 1;
            }
            """, Reports("ASP0002", at: "Catalog", says: "add the 'partial' modifier to 'Catalog'")),

        new("Nested_type_not_partial_inside_a_partial_one", """
            public partial class Outer
            {
                public class Inner
                {
                    [Retry]
                    public partial int Count();
                    private int CountCore() => 1;
                }
            }
            """, Reports("ASP0002", at: "Inner", says: "add the 'partial' modifier to 'Inner'")),

        new("Outermost_of_three_types_not_partial", """
            namespace Deep;
            public static class Outer
            {
                public partial class Middle
                {
                    public partial struct Inner
                    {
                        [Retry]
                        public partial int Count();
                        private int CountCore() => 1;
                    }
                }
            }
            """, Reports("ASP0002", at: "Outer", says: "add the 'partial' modifier to 'Outer'")),

        new("Record_struct_not_partial", """
            public record struct Point(int X)
            {
                [Retry]
                public partial int Length();
                private int LengthCore() => X;
            }
            """, Reports("ASP0002", at: "Point", says: "add the 'partial' modifier to 'Point'")),

        // ---- Structs ---------------------------------------------------------------------------------
        // A batcher is created on first use and kept in a field; a struct cannot keep it (readonly) or
        // share it (every copy gets its own), so batching needs a static method or a class.
        new("Batched_instance_method_of_a_readonly_struct", """
            public readonly partial struct Lookup
            {
                [Batched]
                public partial Task<string> GetNameAsync(int id);
                private Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids) =>
                    Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
            }
            """, Reports("ASP0020", at: "GetNameAsync", says: "make 'GetNameAsync' static, or make 'Lookup' a class or record class")),

        new("Batched_instance_method_of_a_mutable_struct", """
            public partial struct Lookup
            {
                [Batched, Retry]
                public partial ValueTask<string> GetNameAsync(int id, CancellationToken ct = default);
                private Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
            }
            """, Reports("ASP0020", at: "GetNameAsync", says: "every copy of the struct would get its own batcher")),

        new("Batched_instance_method_of_a_record_struct", """
            public partial record struct Lookup(AspectRuntime Aspects)
            {
                [Batched]
                public partial Task<string> GetNameAsync(int id);
                private Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids) =>
                    Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
            }
            """, Reports("ASP0020", at: "GetNameAsync", says: "make 'GetNameAsync' static, or make 'Lookup' a class or record class")),

        new("Batched_static_methods_of_structs_are_fine", """
            public readonly partial struct Lookup
            {
                [Batched]
                public static partial Task<string> GetNameAsync(int id);
                private static Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids) =>
                    Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
            }
            public partial record struct Names
            {
                [Batched, Retry]
                public static partial ValueTask<string> GetAsync(Guid id, CancellationToken ct = default);
                private static Task<IReadOnlyList<string>> GetCoreAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyList<string>>(new string[ids.Count]);
            }
            """, CompilesCleanly(generatedFiles: 2)),

        new("Cached_retried_and_rate_limited_instance_methods_of_readonly_structs_are_fine", """
            public readonly partial struct Client(AspectRuntime aspects)
            {
                [Cached]
                public partial Task<string?> FindAsync(int id, CancellationToken ct = default);
                private Task<string?> FindCoreAsync(int id, CancellationToken ct) => Task.FromResult<string?>(aspects.ToString());

                [Cached, Retry, RateLimited(PermitsPerSecond = 5)]
                public partial ValueTask<int> CountAsync(string region);
                private ValueTask<int> CountCoreAsync(string region) => new(region.Length);

                [InvalidatesCache(nameof(FindAsync))]
                public partial Task SaveAsync(int id);
                private Task SaveCoreAsync(int id) => Task.CompletedTask;

                [Retry]
                public partial int Count();
                private int CountCore() => 1;

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task PingAsync();
                private Task PingCoreAsync() => Task.CompletedTask;

                [Retry(Policy = "Client"), RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject, Policy = "Client")]
                public partial string Describe(string name);
                private string DescribeCore(string name) => name;
            }
            public readonly partial record struct Quote
            {
                [Cached(Policy = "Quotes"), Retry]
                public partial Task<decimal> PriceAsync(int id);
                private Task<decimal> PriceCoreAsync(int id) => Task.FromResult(1m);
            }
            """, CompilesCleanly(generatedFiles: 7)),

        // ---- Targets ---------------------------------------------------------------------------------
        new("Aspect_on_an_interface_method", """
            public interface ICatalog
            {
                [Retry]
                Task<int> CountAsync();
            }
            """, Reports("ASP0010", at: "CountAsync", says: "cannot be applied to a method of interface 'ICatalog'")),

        new("Aspect_on_an_abstract_method", """
            public abstract partial class Catalog
            {
                [Retry]
                public abstract Task<int> CountAsync();
            }
            """, Reports("ASP0010", at: "CountAsync", says: "cannot be applied to abstract method 'CountAsync'")),

        new("Aspect_on_an_extern_method", """
            public static partial class Native
            {
                [Retry]
                [System.Runtime.InteropServices.DllImport("libc")]
                public static extern int getpid();
            }
            """, Reports("ASP0010", at: "getpid", says: "cannot be applied to extern method 'getpid'")),

        new("Aspect_on_a_local_function", """
            public partial class Catalog
            {
                public int Run()
                {
                    return Local(2);

                    [Retry]
                    int Local(int x) => x * 2;
                }
            }
            """, Reports("ASP0010", at: "Local", says: "cannot be applied to local function 'Local'")),

        new("Aspect_on_a_lambda", """
            public partial class Catalog
            {
                public Func<int> Counter = [Retry] () => 1;
            }
            """, Reports("ASP0010", at: "[Retry] () => 1", says: "cannot be applied to a lambda")),

        new("Aspect_on_a_property", """
            public partial class Catalog
            {
                [Retry]
                public int Count { get; set; }
            }
            """, CompilerRejects("CS0592")),

        new("Aspect_on_a_constructor", """
            public partial class Catalog
            {
                [Retry]
                public Catalog() { }
            }
            """, CompilerRejects("CS0592")),

        new("Aspect_on_a_class", """
            [Batched]
            public partial class Catalog
            {
            }
            """, CompilerRejects("CS0592")),

        new("Async_void_declaration", """
            public partial class Client
            {
                [Retry]
                public async partial void Fire();
                private void FireCore() { }
            }
            """, CompilerRejects("CS1994")),

        new("Aspect_method_outside_any_type", """
            namespace Shop;

            [Retry]
            public partial Task<int> GetStockAsync(int id);
            """, CompilerRejects("CS0116")),

        // ---- Attribute values ------------------------------------------------------------------------
        new("Retry_with_negative_attempts", """
            public partial class Client
            {
                [Retry(MaxAttempts = -5)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "MaxAttempts = -5", says: "at least 1")),

        new("Retry_handling_a_type_that_is_not_an_exception", """
            public partial class Client
            {
                [Retry(Handle = [typeof(TimeoutException), typeof(Uri)])]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0009", at: "Handle = [typeof(TimeoutException), typeof(Uri)]", says: "'Uri', which does not derive from System.Exception")),

        new("Rate_limit_of_NaN_permits", """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = double.NaN)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "PermitsPerSecond = double.NaN", says: "a finite number above 0")),

        new("Rate_limit_above_the_highest_rate_the_runtime_accepts", """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = 2e9)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "PermitsPerSecond = 2e9", says: "at most 1e9")),

        new("Rate_limit_with_an_undefined_mode", """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = 5, Mode = (RateLimitMode)9)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "Mode = (RateLimitMode)9", says: "RateLimitMode.Wait or RateLimitMode.Reject")),

        new("Rate_limit_with_an_undefined_scope", """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = 5, Scope = (RateLimitScope)(-1))]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "Scope = (RateLimitScope)(-1)", says: "RateLimitScope.Local or RateLimitScope.Distributed")),

        new("Batch_of_zero_keys", """
            public partial class Stock
            {
                [Batched(MaxBatchSize = 0)]
                public partial Task<int> GetAsync(int id);
                private Task<IReadOnlyDictionary<int, int>> GetCoreAsync(IReadOnlyList<int> ids) => throw new NotSupportedException();
            }
            """, Reports("ASP0007", at: "MaxBatchSize = 0", says: "at least 1 key")),

        new("Retry_with_an_empty_policy_name", """
            public partial class Client
            {
                [Retry(Policy = "")]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, Reports("ASP0007", at: "Policy = \"\"", says: "must be non-empty, without ':'")),

        new("Batch_policy_name_with_a_configuration_separator", """
            public partial class Stock
            {
                [Batched(Policy = "stock:fast")]
                public partial Task<int> GetAsync(int id);
                private Task<IReadOnlyDictionary<int, int>> GetCoreAsync(IReadOnlyList<int> ids) => throw new NotSupportedException();
            }
            """, Reports("ASP0007", at: "Policy = \"stock:fast\"", says: "Aspects:{Section}:{name}")),

        new("Attribute_value_of_the_wrong_type", """
            public partial class Client
            {
                [Retry(MaxAttempts = "3")]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, CompilerRejects("CS0029")),

        new("Attribute_property_that_does_not_exist", """
            public partial class Client
            {
                [Retry(Attempts = 3)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, CompilerRejects("CS0246")),

        new("Same_aspect_twice", """
            public partial class Client
            {
                [Retry(MaxAttempts = 2)]
                [Retry(MaxAttempts = 5)]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, CompilerRejects("CS0579")),

        // ---- Caching ----------------------------------------------------------------------------------
        new("Cached_method_returning_plain_Task", """
            public partial class Catalog
            {
                [Cached]
                public partial Task RefreshAsync(int id);
                private Task RefreshCoreAsync(int id) => Task.CompletedTask;
            }
            """, Reports("ASP0013", at: "RefreshAsync", says: "it returns 'Task', which completes without a result, so there is nothing to cache; return Task<T> or ValueTask<T>")),

        new("Cached_void_method", """
            public partial class Catalog
            {
                [Cached]
                public partial void Refresh(int id);
                private void RefreshCore(int id) { }
            }
            """, Reports("ASP0013", at: "Refresh", says: "it returns void, so there is no result to cache; return the result itself (T), Task<T> or ValueTask<T>")),

        new("Cached_method_returning_a_pointer", """
            public unsafe partial class Buffers
            {
                [Cached]
                public partial byte* Find(int id);
                private byte* FindCore(int id) => null;
            }
            """, Reports("ASP0013", at: "Find", says: "it returns the pointer 'byte*', which would outlive what it points to in the cache; return the value itself"), AllowUnsafe: true),

        new("Cached_method_returning_a_type_parameter_that_allows_ref_structs", """
            public partial class Box<T> where T : allows ref struct
            {
                [Cached]
                public partial T Get(int id);
                private T GetCore(int id) => default!;
            }
            """, Reports("ASP0013", at: "Get", says: "its result type 'T' allows ref structs, which cannot be stored; remove 'allows ref struct'")),

        new("Cached_method_returning_by_reference", """
            public partial class Table
            {
                private int _cell;
                [Cached]
                public partial ref int Cell(int id);
                private ref int CellCore(int id) => ref _cell;
            }
            """, Reports("ASP0006", at: "ref int", says: "returns 'ref int', which [Cached] does not support")),

        new("Cached_method_returning_a_ref_struct", """
            public partial class Table
            {
                [Cached]
                public partial Span<int> Row(int id);
                private Span<int> RowCore(int id) => default;
            }
            """, Reports("ASP0006", at: "Span<int>", says: "returns 'Span<int>', which [Cached] does not support")),

        new("Cached_method_returning_an_async_stream", """
            public partial class Table
            {
                [Cached]
                public partial IAsyncEnumerable<int> Rows(int id);
                private IAsyncEnumerable<int> RowsCore(int id) => throw new NotSupportedException();
            }
            """, Reports("ASP0006", at: "IAsyncEnumerable<int>", says: "returns 'IAsyncEnumerable<int>', which [Cached] does not support")),

        new("Cached_method_with_an_out_parameter", """
            public partial class Table
            {
                [Cached]
                public partial int Lookup(int id, out bool found);
                private int LookupCore(int id, out bool found) { found = true; return id; }
            }
            """, Reports("ASP0005", at: "out bool found", says: "is passed by 'out', which aspects cannot wrap")),

        new("Cached_synchronous_method_with_a_token_and_a_tuple_key", """
            public partial class Reports
            {
                [Cached(DurationSeconds = 60)]
                public partial string Render((string City, int Days) request, CancellationToken ct = default);
                private string RenderCore((string City, int Days) request, CancellationToken ct) => request.City;
            }
            """, CompilesCleanly()),

        new("Cached_generic_method", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<T?> GetAsync<T>(int id) where T : class;
                private Task<T?> GetCoreAsync<T>(int id) where T : class => Task.FromResult<T?>(null);
            }
            """, Reports("ASP0013", at: "GetAsync", says: "generic methods cannot be cached yet")),

        new("Cache_key_of_a_plain_class", """
            public sealed class SearchRequest { public string Query { get; set; } = ""; }
            public partial class Catalog
            {
                [Cached]
                public partial Task<int> SearchAsync(SearchRequest request, CancellationToken ct = default);
                private Task<int> SearchCoreAsync(SearchRequest request, CancellationToken ct) => Task.FromResult(1);
            }
            """, Reports("ASP0014", at: "SearchRequest request", says: "key on the values that identify the result")),

        new("Cache_key_of_a_framework_type_whose_equality_and_text_disagree", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<int> PlotAsync(System.Numerics.Complex point);
                private Task<int> PlotCoreAsync(System.Numerics.Complex point) => Task.FromResult(1);
            }
            """, Reports("ASP0014", at: "System.Numerics.Complex point", says: "Parameter 'point' of type 'Complex'")),

        new("Cache_key_of_a_record_with_a_private_member", """
            public sealed record SearchRequest(string Query) { private int _page; public int Page() => _page; }
            public partial class Catalog
            {
                [Cached]
                public partial Task<int> SearchAsync(SearchRequest request);
                private Task<int> SearchCoreAsync(SearchRequest request) => Task.FromResult(1);
            }
            """, Reports("ASP0014", at: "SearchRequest request", says: "key on the values that identify the result")),

        new("Cache_key_of_a_record_holding_a_record_that_is_not_sealed", """
            public record Place(string Name);
            public sealed record SearchRequest(Place Near, int Page);
            public partial class Catalog
            {
                [Cached]
                public partial Task<int> SearchAsync(SearchRequest request);
                private Task<int> SearchCoreAsync(SearchRequest request) => Task.FromResult(1);
            }
            """, Reports("ASP0014", at: "SearchRequest request", says: "key on the values that identify the result")),

        new("Cache_key_of_an_array", """
            public partial class Catalog
            {
                [Cached]
                public partial ValueTask<int> CountAsync(string region, int[] ids);
                private ValueTask<int> CountCoreAsync(string region, int[] ids) => new(ids.Length);
            }
            """, Reports("ASP0014", at: "int[] ids", says: "Parameter 'ids' of type 'int[]'")),

        new("Invalidation_naming_a_method_that_does_not_exist", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<string?> GetProductAsync(int id);
                private Task<string?> GetProductCoreAsync(int id) => Task.FromResult<string?>(null);

                [InvalidatesCache("GetProdut")]
                public partial Task SetPriceAsync(int id, decimal price);
                private Task SetPriceCoreAsync(int id, decimal price) => Task.CompletedTask;
            }
            """, Reports("ASP0015", at: "InvalidatesCache(\"GetProdut\")", says: "which is not a [Cached] method of 'Catalog'")),

        new("Invalidation_naming_a_method_that_is_not_cached", """
            public partial class Catalog
            {
                public Task<string?> GetProductAsync(int id) => Task.FromResult<string?>(null);

                [InvalidatesCache(nameof(GetProductAsync))]
                public partial Task SetPriceAsync(int id, decimal price);
                private Task SetPriceCoreAsync(int id, decimal price) => Task.CompletedTask;
            }
            """, Reports("ASP0015", at: "InvalidatesCache(nameof(GetProductAsync))", says: "which is not a [Cached] method of 'Catalog'")),

        new("Invalidation_naming_an_ambiguous_overload", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<string?> GetProductAsync(int id);
                private Task<string?> GetProductCoreAsync(int id) => Task.FromResult<string?>(null);

                [Cached]
                public partial Task<string?> GetProductAsync(string sku);
                private Task<string?> GetProductCoreAsync(string sku) => Task.FromResult<string?>(null);

                [InvalidatesCache(nameof(GetProductAsync))]
                public partial Task SetPriceAsync(int id, decimal price);
                private Task SetPriceCoreAsync(int id, decimal price) => Task.CompletedTask;
            }
            """, Reports("ASP0015", at: "InvalidatesCache(nameof(GetProductAsync))", says: "which names 2 [Cached] overloads")),

        new("Invalidation_without_the_key_parameter", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<string?> GetProductAsync(int id);
                private Task<string?> GetProductCoreAsync(int id) => Task.FromResult<string?>(null);

                [InvalidatesCache(nameof(GetProductAsync))]
                public partial Task SetPriceAsync(int productId, decimal price);
                private Task SetPriceCoreAsync(int productId, decimal price) => Task.CompletedTask;
            }
            """, Reports("ASP0016", at: "InvalidatesCache(nameof(GetProductAsync))", says: "it needs a parameter 'id' of type 'int'")),

        new("Cached_method_that_also_invalidates", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<string?> GetProductAsync(int id);
                private Task<string?> GetProductCoreAsync(int id) => Task.FromResult<string?>(null);

                [Cached, InvalidatesCache(nameof(GetProductAsync))]
                public partial Task<int> TouchAsync(int id);
                private Task<int> TouchCoreAsync(int id) => Task.FromResult(id);
            }
            """, Reports("ASP0017", at: "TouchAsync", says: "combines [Cached] with [InvalidatesCache]")),

        new("Invalidation_of_a_cached_method_that_has_an_error", """
            public partial class Catalog
            {
                [Cached, Batched]
                public partial Task<string?> GetProductAsync(int id);
                private Task<string?> GetProductCoreAsync(int id) => Task.FromResult<string?>(null);

                [InvalidatesCache(nameof(GetProductAsync))]
                public partial Task SetPriceAsync(int id, decimal price);
                private Task SetPriceCoreAsync(int id, decimal price) => Task.CompletedTask;
            }
            """, Reports("ASP0004", at: "GetProductCoreAsync", says: "the body of a [Batched] method receives every key of a batch")),

        new("Cache_duration_of_zero", """
            public partial class Catalog
            {
                [Cached(DurationSeconds = 0)]
                public partial Task<int> CountAsync(int id);
                private Task<int> CountCoreAsync(int id) => Task.FromResult(id);
            }
            """, Reports("ASP0007", at: "DurationSeconds = 0", says: "at least 1 second")),

        new("Cache_tag_that_is_blank", """
            public partial class Catalog
            {
                [Cached(Tags = ["products", " "])]
                public partial Task<int> CountAsync(int id);
                private Task<int> CountCoreAsync(int id) => Task.FromResult(id);
            }
            """, Reports("ASP0007", at: "Tags = [\"products\", \" \"]", says: "a tag is a non-empty name")),

        new("NotCacheKey_on_a_method", """
            public partial class Catalog
            {
                [NotCacheKey]
                public int Count() => 1;
            }
            """, CompilerRejects("CS0592")),

        // ---- Name clashes --------------------------------------------------------------------------------
        new("Cached_overloads_whose_keys_have_the_same_types", """
            public partial class Catalog
            {
                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetProductAsync(int id);
                private Task<string> GetProductCoreAsync(int id) => Task.FromResult("");

                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetProductAsync(int id, CancellationToken ct);
                private Task<string> GetProductCoreAsync(int id, CancellationToken ct) => Task.FromResult("");
            }
            """, Reports("ASP0022", at: "GetProductAsync", says: "adds 'InvalidateGetProductAsync(int, CancellationToken)', which clashes with the one [Cached] adds for its earlier overload 'GetProductAsync(int)'")),

        new("User_method_named_like_the_generated_invalidate_method", """
            public static partial class Catalog
            {
                [Cached]
                public static partial Task<string> GetProductAsync(int id);
                private static Task<string> GetProductCoreAsync(int id) => Task.FromResult("");

                public static ValueTask InvalidateGetProductAsync(int id, CancellationToken ct) => default;
            }
            """, Reports("ASP0022", at: "GetProductAsync", says: "clashes with method 'InvalidateGetProductAsync(int, CancellationToken)' of 'Catalog': rename or remove 'InvalidateGetProductAsync', or rename 'GetProductAsync'")),

        new("User_property_named_like_the_generated_invalidate_method", """
            public static partial class Catalog
            {
                [Cached]
                public static partial Task<string> GetProductAsync(int id);
                private static Task<string> GetProductCoreAsync(int id) => Task.FromResult("");

                public static bool InvalidateGetProductAsync => true;
            }
            """, Reports("ASP0022", at: "GetProductAsync", says: "clashes with property 'InvalidateGetProductAsync' of 'Catalog'")),

        new("Inherited_method_the_generated_invalidate_method_would_hide", """
            public class CatalogBase
            {
                protected ValueTask InvalidateGetProductAsync(int id, CancellationToken ct = default) => default;
            }
            public partial class Catalog : CatalogBase
            {
                [Cached]
                public static partial Task<string> GetProductAsync(int id);
                private static Task<string> GetProductCoreAsync(int id) => Task.FromResult("");
            }
            """, Reports("ASP0022", at: "GetProductAsync", says: "clashes with inherited method 'InvalidateGetProductAsync(int, CancellationToken)' of 'CatalogBase', which it would hide")),

        new("Cached_override_of_a_cached_method", """
            public partial class CatalogBase
            {
                [Cached]
                public virtual partial Task<string> GetProductAsync(int id);
                private Task<string> GetProductCoreAsync(int id) => Task.FromResult("");
            }
            public partial class Catalog : CatalogBase
            {
                [Cached]
                public override partial Task<string> GetProductAsync(int id);
                private Task<string> GetProductCoreAsync(int id) => base.GetProductAsync(id);
            }
            """, Reports("ASP0022", at: "GetProductAsync", says: "clashes with the one [Cached] adds to 'CatalogBase' for 'GetProductAsync(int)', which it would hide: keep [Cached] on one of them")),

        new("Type_named_like_the_generated_invalidate_method", """
            public partial class InvalidateGet
            {
                [Cached]
                public static partial Task<string> Get(int id);
                private static Task<string> GetCore(int id) => Task.FromResult("");
            }
            """, Reports("ASP0022", at: "Get", says: "clashes with the name of its type 'InvalidateGet'")),

        new("User_field_named_like_a_generated_member", """
            public partial class Catalog
            {
                private static readonly object __aspectsCache_GetProductAsync = new();

                [Cached]
                public static partial Task<string> GetProductAsync(int id);
                private static Task<string> GetProductCoreAsync(int id) => Task.FromResult(__aspectsCache_GetProductAsync.ToString() ?? "");
            }
            """, Reports("ASP0021", at: "__aspectsCache_GetProductAsync", says: "'__aspectsCache_GetProductAsync' in 'Catalog' has the name of a member the generator adds for 'GetProductAsync': rename it")),

        new("Cached_overloads_whose_keys_differ_are_fine", """
            public partial class Catalog
            {
                [Cached]
                public partial Task<string> GetProductAsync(int id);
                private Task<string> GetProductCoreAsync(int id) => Task.FromResult("");

                [Cached]
                public partial Task<string> GetProductAsync(string sku, CancellationToken ct);
                private Task<string> GetProductCoreAsync(string sku, CancellationToken ct) => Task.FromResult("");

                public ValueTask InvalidateGetProductAsync(long id) => default;
            }
            """, CompilesCleanly(generatedFiles: 2)),

        new("Overloads_of_every_aspect_next_to_a_method_named_like_an_overload_number_are_fine", """
            public static partial class Catalog
            {
                [Cached, Retry, RateLimited(PermitsPerSecond = 5, Policy = "p")]
                public static partial Task<string> GetAsync(int id);
                private static Task<string> GetCoreAsync(int id) => Task.FromResult("");

                [Cached(Policy = "c"), Retry(Policy = "r"), RateLimited(PermitsPerSecond = 5)]
                public static partial Task<string> GetAsync(string sku);
                private static Task<string> GetCoreAsync(string sku) => Task.FromResult("");

                [Batched(Policy = "b"), Retry]
                public static partial Task<string> GetAsync(Guid id);
                private static Task<IReadOnlyDictionary<Guid, string>> GetCoreAsync(IReadOnlyList<Guid> ids) =>
                    Task.FromResult<IReadOnlyDictionary<Guid, string>>(new Dictionary<Guid, string>());

                [Batched, Retry(Policy = "r")]
                public static partial Task<string> GetAsync(long id, CancellationToken ct);
                private static Task<IReadOnlyDictionary<long, string>> GetCoreAsync(IReadOnlyList<long> ids, CancellationToken ct) =>
                    Task.FromResult<IReadOnlyDictionary<long, string>>(new Dictionary<long, string>());

                [InvalidatesCache(nameof(GetAsync_1)), RateLimited(PermitsPerSecond = 1, Policy = "p")]
                public static partial Task SetAsync(int id);
                private static Task SetCoreAsync(int id) => Task.CompletedTask;

                [InvalidatesCache(nameof(GetAsync_1))]
                public static partial Task SetAsync(int id, string name);
                private static Task SetCoreAsync(int id, string name) => Task.CompletedTask;

                [Cached, Retry, RateLimited(PermitsPerSecond = 5)]
                public static partial Task<string> GetAsync_1(int id);
                private static Task<string> GetAsync_1Core(int id) => Task.FromResult("");
            }
            """, CompilesCleanly(generatedFiles: 7)),

        // ---- Batching and rate-limiting shapes --------------------------------------------------------
        new("Batched_method_with_two_keys", """
            public partial class Stock
            {
                [Batched]
                public partial Task<int> GetAsync(int warehouse, int productId, CancellationToken ct = default);
            }
            """, Reports("ASP0011", at: "GetAsync", says: "it takes 2 key parameters")),

        new("Batched_method_returning_plain_Task", """
            public partial class Stock
            {
                [Batched]
                public partial Task RefreshAsync(int productId);
            }
            """, Reports("ASP0011", at: "RefreshAsync", says: "return Task<TValue> or ValueTask<TValue>")),

        new("Batched_body_taking_one_key", """
            public partial class Stock
            {
                [Batched, Retry]
                public partial ValueTask<int> GetAsync(Guid id);
                private ValueTask<int> GetCoreAsync(Guid id) => new(1);
            }
            """, Reports("ASP0004", at: "GetCoreAsync", says: "IReadOnlyList<Guid> keys")),

        new("Rate_limited_synchronous_method_waits_by_blocking", """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = 5)]
                public partial void Send(string message);
                private void SendCore(string message) { }
            }
            """, Reports("ASP0012", at: "Send", says: "blocks the calling thread")),

        new("Rate_limit_partitioned_by_two_parameters", """
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> QuoteAsync([RateLimitPartition] string tenant, [RateLimitPartition] string user);
                private Task<int> QuoteCoreAsync(string tenant, string user) => Task.FromResult(1);
            }
            """, Reports("ASP0050", at: "user", says: "marks both 'tenant' and 'user' with [RateLimitPartition]")),

        new("Rate_limit_partition_of_a_record", """
            public sealed record Caller(string Tenant, int User);
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> QuoteAsync([RateLimitPartition] Caller caller);
                private Task<int> QuoteCoreAsync(Caller caller) => Task.FromResult(1);
            }
            """, Reports("ASP0051", at: "caller", says: "'Caller' is a record or tuple")),

        new("Rate_limit_partition_of_an_unsupported_type", """
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> QuoteAsync([RateLimitPartition] object tenant);
                private Task<int> QuoteCoreAsync(object tenant) => Task.FromResult(1);
            }
            """, Reports("ASP0051", at: "tenant", says: "its type 'object' cannot be a key")),

        new("Rate_limit_partition_of_a_cancellation_token", """
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> QuoteAsync([RateLimitPartition] CancellationToken ct);
                private Task<int> QuoteCoreAsync(CancellationToken ct) => Task.FromResult(1);
            }
            """, Reports("ASP0051", at: "ct", says: "its type 'CancellationToken' cannot be a key")),

        new("Rate_limit_partition_of_a_method_type_parameter", """
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> QuoteAsync<TKey>([RateLimitPartition] TKey tenant) where TKey : ISpanFormattable, IEquatable<TKey>;
                private Task<int> QuoteCoreAsync<TKey>(TKey tenant) where TKey : ISpanFormattable, IEquatable<TKey> => Task.FromResult(1);
            }
            """, Reports("ASP0051", at: "tenant", says: "is a type parameter of the method")),

        new("Rate_limit_partition_on_a_batched_method", """
            public partial class Stock
            {
                [Batched, RateLimited(PermitsPerSecond = 5)]
                public partial Task<int> GetAsync([RateLimitPartition] int productId);
                private Task<IReadOnlyDictionary<int, int>> GetCoreAsync(IReadOnlyList<int> productIds) => Task.FromResult<IReadOnlyDictionary<int, int>>(new Dictionary<int, int>());
            }
            """, Reports("ASP0051", at: "productId", says: "a [Batched] method takes one permit per batch")),

        // ---- Parameters --------------------------------------------------------------------------------
        new("Ref_readonly_parameter", """
            public partial class Client
            {
                [Retry]
                public partial int Sum(ref readonly int start);
                private int SumCore(ref readonly int start) => start;
            }
            """, Reports("ASP0005", at: "ref readonly int start", says: "is passed by 'ref readonly'")),

        new("Out_parameter_on_a_batched_method", """
            public partial class Stock
            {
                [Batched]
                public partial Task<int> GetAsync(int id, out bool found);
            }
            """, Reports("ASP0005", at: "out bool found", says: "is passed by 'out'")),

        new("Span_parameter_on_an_asynchronous_method", """
            public partial class Client
            {
                [Retry]
                public partial Task<int> SendAsync(ReadOnlySpan<byte> payload);
                private Task<int> SendCoreAsync(ReadOnlySpan<byte> payload) => Task.FromResult(payload.Length);
            }
            """, Reports("ASP0018", at: "ReadOnlySpan<byte> payload", says: "cannot be kept across an await")),

        new("Pointer_parameter_on_an_asynchronous_method", """
            public unsafe partial class Client
            {
                [RateLimited(PermitsPerSecond = 5)]
                public partial ValueTask<int> ReadAsync(byte* data);
                private ValueTask<int> ReadCoreAsync(byte* data) => new(*data);
            }
            """, Reports("ASP0018", at: "byte* data", says: "cannot be kept across an await"), AllowUnsafe: true),

        new("Type_parameter_allowing_ref_structs_on_an_asynchronous_method", """
            public partial class Client
            {
                [Retry]
                public partial Task<int> SendAsync<T>(T payload) where T : allows ref struct;
                private Task<int> SendCoreAsync<T>(T payload) where T : allows ref struct => Task.FromResult(1);
            }
            """, Reports("ASP0018", at: "T payload", says: "cannot be kept across an await")),

        new("Unsafe_modifier_on_an_asynchronous_method", """
            public partial class Client
            {
                [Retry]
                public unsafe partial Task<int> ChecksumAsync(byte[] data);
                private Task<int> ChecksumCoreAsync(byte[] data) => Task.FromResult(data.Length);
            }
            """, Reports("ASP0019", at: "unsafe", says: "remove 'unsafe' from the declaration"), AllowUnsafe: true),

        new("Async_void_body_whose_failures_no_one_sees", """
            public partial class Client
            {
                [Retry]
                public partial void Touch(string path);
                private async void TouchCore(string path) => await Task.Yield();
            }
            """, Reports("ASP0004", at: "TouchCore", says: "declare it as 'private void TouchCore(string path)'")),

        // ---- Fine, however odd they look ----------------------------------------------------------------
        new("Rate_limit_partitions_of_every_leaf_key_type_are_fine", """
            public enum Plan { Free, Paid }
            public partial class Api
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<int> ByNameAsync([RateLimitPartition] string? tenant, CancellationToken ct = default);
                private Task<int> ByNameCoreAsync(string? tenant, CancellationToken ct) => Task.FromResult(1);

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject), Retry]
                public partial int ById(int count, [RateLimitPartition] Guid? key);
                private int ByIdCore(int count, Guid? key) => count;

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject, Policy = "quotes")]
                public partial ValueTask<int> ByPriceAsync([RateLimitPartition] decimal price, Plan plan = Plan.Free);
                private ValueTask<int> ByPriceCoreAsync(decimal price, Plan plan) => new(1);

                [RateLimited(PermitsPerSecond = 5, Scope = RateLimitScope.Distributed)]
                public partial Task PlanAsync([RateLimitPartition] Plan plan, int seats = 1);
                private Task PlanCoreAsync(Plan plan, int seats) => Task.CompletedTask;
            }
            """, CompilesCleanly(generatedFiles: 4)),

        new("Span_parameter_on_a_synchronous_method_is_fine", """
            public partial class Client
            {
                [Retry, RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial int Sum(ReadOnlySpan<int> values);
                private int SumCore(ReadOnlySpan<int> values) => values.Length;
            }
            """, CompilesCleanly()),

        new("Default_values_of_every_kind_are_fine", """
            public enum Region { North, South }
            public partial class Client
            {
                [Retry]
                public partial Task<string> FindAsync(
                    int count = 5,
                    long big = long.MaxValue,
                    double ratio = double.NaN,
                    float small = -0.5f,
                    decimal price = 1.25m,
                    char separator = '\n',
                    bool exact = true,
                    string text = "quote \" and \\ backslash",
                    string? missing = null,
                    int? maybe = null,
                    Region region = Region.South,
                    Region mask = (Region)7,
                    DateTime when = default,
                    Guid id = default,
                    object? anything = null,
                    [System.Runtime.InteropServices.Optional, System.Runtime.InteropServices.DefaultParameterValue(3)] int legacy = 3,
                    CancellationToken ct = default);
                private Task<string> FindCoreAsync(
                    int count, long big, double ratio, float small, decimal price, char separator, bool exact, string text,
                    string? missing, int? maybe, Region region, Region mask, DateTime when, Guid id, object? anything, int legacy,
                    CancellationToken ct) => Task.FromResult(text);
            }
            """, CompilesCleanly()),

        new("Dynamic_parameters_and_results_are_fine", """
            public partial class Client
            {
                [Retry]
                public partial Task<dynamic> CallAsync(dynamic request, List<dynamic> more);
                private Task<dynamic> CallCoreAsync(dynamic request, List<dynamic> more) => Task.FromResult<dynamic>(request);

                [Retry]
                public partial dynamic Call(dynamic request);
                private dynamic CallCore(dynamic request) => request;
            }
            """, CompilesCleanly(generatedFiles: 2)),

        new("Generic_constraints_of_every_kind_are_repeated", """
            public abstract class Entity { }
            public partial class Repository
            {
                [Retry]
                public partial Task<TResult?> LoadAsync<TKey, TValue, TEntity, TResult, TEnum, TClass>(TKey key, TValue value, TEntity entity, TEnum kind)
                    where TKey : notnull
                    where TValue : unmanaged
                    where TEntity : Entity, IDisposable, new()
                    where TResult : class?
                    where TEnum : struct, Enum
                    where TClass : class;
                private Task<TR?> LoadCoreAsync<TK, TV, TE, TR, TN, TC>(TK key, TV value, TE entity, TN kind)
                    where TK : notnull
                    where TV : unmanaged
                    where TE : Entity, IDisposable, new()
                    where TR : class?
                    where TN : struct, Enum
                    where TC : class => Task.FromResult<TR?>(null);
            }
            """, CompilesCleanly()),

        new("Keyword_names_overloads_and_extension_methods_are_fine", """
            public static partial class Text
            {
                [Retry]
                public static partial string Join(this string @class, string @event);
                private static string JoinCore(string @class, string @event) => @class + @event;

                [Retry]
                public static partial string Join(this string @class, int @int);
                private static string JoinCore(string @class, int @int) => @class;
            }
            """, CompilesCleanly(generatedFiles: 2)),

        new("Generic_nested_types_records_and_structs_are_fine", """
            namespace Shop.Inner
            {
                public partial record Store<T>(AspectRuntime Aspects) where T : class
                {
                    public readonly partial struct Shelf<TItem>
                    {
                        [Retry, RateLimited(PermitsPerSecond = 2, Mode = RateLimitMode.Reject)]
                        public partial ValueTask<TItem?> TakeAsync(T owner, CancellationToken ct);
                        private ValueTask<TItem?> TakeCoreAsync(T owner, CancellationToken ct) => default;
                    }
                }
            }
            """, CompilesCleanly()),
        new("Params_arrays_spans_and_collections_are_fine", """
            public partial class Client
            {
                [Retry]
                public partial Task<int> SumAsync(params int[] values);
                private Task<int> SumCoreAsync(int[] values) => Task.FromResult(values.Length);

                [Retry]
                public partial int Count(params ReadOnlySpan<string> values);
                private int CountCore(ReadOnlySpan<string> values) => values.Length;

                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial int Total(params IEnumerable<int> values);
                private int TotalCore(IEnumerable<int> values) => 0;
            }
            """, CompilesCleanly(generatedFiles: 3)),
        new("Pointer_parameter_on_a_synchronous_method_is_fine", """
            public unsafe partial class Client
            {
                [Retry]
                public partial int Read(byte* data, delegate*<int, int> map);
                private int ReadCore(byte* data, delegate*<int, int> map) => map(*data);
            }
            """, CompilesCleanly(), AllowUnsafe: true),

        new("Cache_keys_of_every_supported_kind_composed_with_retry_and_rate_limit", """
            public enum Region { North, South }
            public partial class Catalog(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 60, Tags = ["products"])]
                [Retry, RateLimited(PermitsPerSecond = 10)]
                public partial Task<string?> FindAsync(
                    string? name, int id, long big, bool exact, double ratio, decimal price, Region region, Guid key,
                    DateTime at, DateTimeOffset since, DateOnly day, TimeOnly time, int? maybe,
                    [NotCacheKey] object? trace = null, CancellationToken ct = default);
                private Task<string?> FindCoreAsync(
                    string? name, int id, long big, bool exact, double ratio, decimal price, Region region, Guid key,
                    DateTime at, DateTimeOffset since, DateOnly day, TimeOnly time, int? maybe,
                    object? trace, CancellationToken ct) => Task.FromResult(name);

                [Cached]
                public partial ValueTask<int> CountAsync(string? region);
                private ValueTask<int> CountCoreAsync(string? region) => new(aspects is null ? 0 : 1);

                [InvalidatesCache(nameof(FindAsync)), Retry]
                public partial Task SaveAsync(
                    string? name, int id, long big, bool exact, double ratio, decimal price, Region region, Guid key,
                    DateTime at, DateTimeOffset since, DateOnly day, TimeOnly time, int? maybe, CancellationToken ct = default);
                private Task SaveCoreAsync(
                    string? name, int id, long big, bool exact, double ratio, decimal price, Region region, Guid key,
                    DateTime at, DateTimeOffset since, DateOnly day, TimeOnly time, int? maybe, CancellationToken ct) => Task.CompletedTask;
            }
            """, CompilesCleanly(generatedFiles: 3)),
        new("Asynchronous_methods_in_unsafe_code_are_fine", """
            public unsafe partial class Client
            {
                [Retry, RateLimited(PermitsPerSecond = 5)]
                public partial Task<int> ReadAsync(int length);
                private Task<int> ReadCoreAsync(int length) => Task.FromResult(length);
            }
            """, CompilesCleanly(), AllowUnsafe: true),
    ];
}
