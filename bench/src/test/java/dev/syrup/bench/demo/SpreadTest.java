package dev.syrup.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        Spread s = Spread.of(List.of(9.0, 1.0, 4.0));
        assertThat(s.median()).isEqualTo(4.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(9.0);
        assertThat(s.count()).isEqualTo(3);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Spread.of(List.of(8.0, 2.0, 4.0, 100.0)).median()).isEqualTo(6.0);
    }

    @Test
    void formatShowsTheRangeOnlyWhenTheValuesDiffer() {
        assertThat(Spread.of(List.of(4.25, 3.14, 5.0)).format("%.1f", "x")).isEqualTo("4.3x (3.1–5.0)");
        assertThat(Spread.of(List.of(2.0)).format("%.0f", " us")).isEqualTo("2 us");
        assertThat(Spread.of(List.of(2.0, 2.0)).format("%.0f", " us")).isEqualTo("2 us");
    }

    @Test
    void noValuesIsAnError() {
        assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
