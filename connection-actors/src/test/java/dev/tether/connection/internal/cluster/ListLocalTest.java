package dev.tether.connection.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListLocalTest {
  @Test
  void aMembersListIsCutIntoPagesInOrderAndNothingIsLeftOut() {
    List<Integer> items = IntStream.range(0, 120).boxed().toList();
    List<List<Integer>> chunks = ListLocal.chunks(items, 50);
    assertEquals(List.of(50, 50, 20), chunks.stream().map(List::size).toList());
    assertEquals(items, chunks.stream().flatMap(List::stream).toList());
    assertEquals(List.of(List.of()), ListLocal.chunks(List.of(), 50)); // an empty member still answers once
    assertEquals(1, ListLocal.chunks(IntStream.range(0, 50).boxed().toList(), 50).size());
  }

  @Test
  void onlyTheLastPageIsMarkedLast() {
    var pages = ListLocal.pages("127.0.0.1:1", List.of());
    assertEquals(1, pages.size());
    assertEquals(true, pages.get(0).last());
  }
}
