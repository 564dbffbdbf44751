namespace Segment.Functions.JavaScript.Tests.Globals;

/// <summary>The part of lodash (<c>_</c>) functions use.</summary>
public class LodashTests
{
    [Test]
    public async Task GetSetIsStringIndexOf_AsLodash()
    {
        var run = await Js.RunTrackAsync("""
            const o = { a: { b: [{ c: 3 }] } };
            console.log(_.get(o, 'a.b[0].c'), _.get(o, ['a', 'b', '0', 'c']), _.get(o, 'a.x.y', 'dflt'), _.get(null, 'a'));
            const target = {};
            _.set(target, 'user.emails[1].primary', true);
            console.log(JSON.stringify(target));
            console.log(_.isString('x'), _.isString(1), _.indexOf(['a', 'b', NaN], 'b'), _.indexOf([1, NaN], NaN), _.indexOf([1], 5));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "3 3 dflt undefined",
            "{\"user\":{\"emails\":[null,{\"primary\":true}]}}",
            "true false 1 1 -1",
        }));
    }

    [Test]
    public async Task CommonHelpers()
    {
        var run = await Js.RunTrackAsync("""
            const users = [{ id: 1, plan: 'pro' }, { id: 2, plan: 'free' }, { id: 3, plan: 'pro' }];
            console.log(JSON.stringify(_.groupBy(users, 'plan')), _.map(users, 'id').join(','), _.find(users, { plan: 'free' }).id);
            console.log(JSON.stringify(_.pick({ a: 1, b: 2, c: 3 }, ['a', 'c'])), JSON.stringify(_.omit({ a: 1, b: 2 }, 'a')));
            console.log(_.isEmpty({}), _.isEmpty([1]), _.isNil(undefined), _.camelCase('First Name'), _.snakeCase('firstName'), _.chunk([1, 2, 3], 2).length);
            console.log(JSON.stringify(_.merge({ a: { x: 1 } }, { a: { y: 2 } })), _.uniq([1, 1, 2]).join(','), _.isEqual({ a: [1] }, { a: [1] }));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[]
        {
            "{\"pro\":[{\"id\":1,\"plan\":\"pro\"},{\"id\":3,\"plan\":\"pro\"}],\"free\":[{\"id\":2,\"plan\":\"free\"}]} 1,2,3 2",
            "{\"a\":1,\"c\":3} {\"b\":2}",
            "true false true firstName first_name 2",
            "{\"a\":{\"x\":1,\"y\":2}} 1,2 true",
        }));
    }

    [Test]
    public async Task EveryFunctionTheReadmeLists_Exists()
    {
        var run = await Js.RunTrackAsync("""
            const listed = ['get', 'set', 'has', 'isEqual', 'clone', 'cloneDeep', 'merge', 'isString', 'isNumber', 'isBoolean', 'isFunction', 'isArray', 'isObject', 'isObjectLike', 'isPlainObject', 'isNil', 'isNull', 'isUndefined', 'isDate', 'isInteger', 'isNaN', 'isFinite', 'isEmpty', 'indexOf', 'includes', 'map', 'forEach', 'each', 'filter', 'reject', 'find', 'some', 'every', 'reduce', 'keys', 'values', 'toPairs', 'fromPairs', 'pick', 'omit', 'pickBy', 'omitBy', 'mapValues', 'mapKeys', 'groupBy', 'keyBy', 'sortBy', 'uniq', 'uniqBy', 'compact', 'flatten', 'flattenDeep', 'chunk', 'difference', 'intersection', 'union', 'first', 'head', 'last', 'size', 'sum', 'sumBy', 'max', 'min', 'times', 'range', 'assign', 'defaults', 'toString', 'toLower', 'toUpper', 'trim', 'upperFirst', 'lowerFirst', 'capitalize', 'camelCase', 'snakeCase', 'kebabCase', 'startCase', 'noop', 'identity'];
            console.log(listed.length, JSON.stringify(listed.filter(name => typeof _[name] !== 'function')));
            """);

        Assert.That(run.Lines(), Is.EqualTo(new[] { "81 []" }));
    }
}
