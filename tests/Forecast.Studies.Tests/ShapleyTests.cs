namespace Forecast.Studies.Tests;

/// <summary>Exact Shapley values on constructed games: efficiency, symmetry, the null player, and a game with a known answer.</summary>
public sealed class ShapleyTests
{
    [Fact]
    public void The_glove_game_gives_the_known_split()
    {
        // Players 0 and 1 hold a left glove, player 2 a right glove; a pair is worth 6. Known values: 1, 1, 4.
        static long V(int mask) => (mask & 4) != 0 && (mask & 3) != 0 ? 6 : 0;

        var parts = Shapley.Numerators(3, V);

        Assert.Equal(6, Shapley.Denominator(3));
        Assert.Equal([6L, 6L, 24L], parts);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Parts_add_up_to_the_whole_and_symmetric_players_get_the_same_and_a_null_player_nothing(int n)
    {
        // A game with interactions: a weighted count of members, squared, plus a bonus when players 0 and 1 are both in.
        // The last player adds nothing (a null player); players 0 and 1 are symmetric.
        var weight = Enumerable.Range(0, n).Select(i => i == n - 1 ? 0L : i < 2 ? 3L : i + 1L).ToArray();
        long V(int mask)
        {
            long s = 0;
            for (var i = 0; i < n; i++)
            {
                s += (mask & (1 << i)) != 0 ? weight[i] : 0;
            }

            return (s * s) + ((mask & 3) == 3 ? 11 : 0);
        }

        var parts = Shapley.Numerators(n, V);

        Assert.Equal(Shapley.Denominator(n) * (V((1 << n) - 1) - V(0)), parts.Sum());
        Assert.Equal(0, parts[n - 1]);
        if (n >= 3)
        {
            Assert.Equal(parts[0], parts[1]);
            Assert.NotEqual(0, parts[0]);
        }
    }
}
