package dev.glassbox.app.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A run's live grid keeps one shape from its first frame to its last (no row appearing or going mid-run, which
 * rebuilt every cell): the rollout row is live only when the whole run fits the limit.
 */
class LiveRolloutTest {
    @Test
    void rolloutIsLiveOnlyWhenTheWholeRunFits() {
        int limit = ExploreSession.LIVE_ROLLOUT_LIMIT;
        assertTrue(ExploreSession.liveRollout(8, limit - 8), "a run ending at the limit");
        assertFalse(ExploreSession.liveRollout(8, limit - 7), "a run planned past the limit, from its first frame on");
        assertFalse(ExploreSession.liveRollout(limit + 1, 0));
        assertFalse(ExploreSession.liveRollout(5, Integer.MAX_VALUE), "no overflow");
    }
}
