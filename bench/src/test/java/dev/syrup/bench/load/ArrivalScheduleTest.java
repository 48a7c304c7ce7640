package dev.syrup.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void interArrivalTimesArePoissonLike() {
        double rate = 1000;
        ArrivalSchedule s = ArrivalSchedule.poisson(rate, 100 * SECOND, 0, 42);
        int n = s.size();
        // Expected 100,000 arrivals; the Poisson count's standard deviation is about 316.
        assertThat(n).isBetween(100_000 - 1600, 100_000 + 1600);

        double meanGap = 1e9 / rate;
        double sum = 0;
        double sumSq = 0;
        int shorterThanMean = 0;
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long gap = s.offsetNanos(i) - previous;
            previous = s.offsetNanos(i);
            assertThat(gap).isNotNegative();
            sum += gap;
            sumSq += (double) gap * gap;
            if (gap < meanGap) {
                shorterThanMean++;
            }
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        // Exponential gaps: mean 1/rate, coefficient of variation 1, P(gap < mean) = 1 - 1/e.
        // Bounds are several standard errors wide for 100k samples (0.3%, 0.5%, 0.15%).
        assertThat(mean).isCloseTo(meanGap, within(0.02 * meanGap));
        assertThat(sd / mean).isCloseTo(1.0, within(0.03));
        assertThat((double) shorterThanMean / n).isCloseTo(1 - Math.exp(-1), within(0.01));
    }

    @Test
    void typesFollowTheScanFraction() {
        ArrivalSchedule s = ArrivalSchedule.poisson(10_000, 10 * SECOND, 0.1, 3);
        long scans = 0;
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.type(i)).isIn(Wire.GET, Wire.SCAN);
            scans += s.type(i) == Wire.SCAN ? 1 : 0;
        }
        // 100k requests, p = 0.1: standard deviation of the share is about 0.001.
        assertThat((double) scans / s.size()).isCloseTo(0.1, within(0.005));
    }

    @Test
    void sameSeedSameScheduleAndTimesIndependentOfTheMix() {
        ArrivalSchedule a = ArrivalSchedule.poisson(2000, SECOND, 0.1, 11);
        ArrivalSchedule b = ArrivalSchedule.poisson(2000, SECOND, 0.1, 11);
        ArrivalSchedule c = ArrivalSchedule.poisson(2000, SECOND, 0.5, 11);
        ArrivalSchedule d = ArrivalSchedule.poisson(2000, SECOND, 0.1, 12);
        assertThat(a.size()).isEqualTo(b.size()).isEqualTo(c.size());
        boolean mixDiffers = false;
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.offsetNanos(i)).isEqualTo(b.offsetNanos(i)).isEqualTo(c.offsetNanos(i));
            assertThat(a.type(i)).isEqualTo(b.type(i));
            mixDiffers |= a.type(i) != c.type(i);
        }
        assertThat(mixDiffers).isTrue();
        assertThat(d.offsetNanos(0)).isNotEqualTo(a.offsetNanos(0));
    }

    @Test
    void arrivalsStayInsideTheWindow() {
        ArrivalSchedule s = ArrivalSchedule.poisson(5000, SECOND / 2, 0, 5);
        assertThat(s.offsetNanos(0)).isNotNegative();
        assertThat(s.offsetNanos(s.size() - 1)).isLessThan(SECOND / 2);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ArrivalSchedule.poisson(0, SECOND, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArrivalSchedule.poisson(10, SECOND, 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
