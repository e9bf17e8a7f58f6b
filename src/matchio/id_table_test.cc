#include "matchio/id_table.h"

#include <gtest/gtest.h>

#include <string>

namespace matchio {
namespace {

TEST(IdTableTest, InsertAndFindWithShortAndLongIds) {
  IdTable ids;
  bool inserted = false;
  const std::string long_id = "a-rather-long-identifier-0001";
  EXPECT_EQ(ids.Insert("P1", &inserted), 0);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(ids.Insert(long_id, &inserted), 1);
  EXPECT_EQ(ids.Insert("P1", &inserted), 0);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(ids.Find(long_id), 1);
  EXPECT_EQ(ids.Find("a-rather-long-identifier-0002"), IdTable::kNotFound);
  EXPECT_EQ(ids.Find(std::string("P1\0", 3)), IdTable::kNotFound);
  EXPECT_EQ(ids.Find(""), IdTable::kNotFound);
  for (int i = 0; i < 5000; ++i) ids.Insert("x" + std::to_string(i), &inserted);
  EXPECT_EQ(ids.Find("x4999"), 5001);
  EXPECT_EQ(ids.FindHashed("x17", IdTable::Hash("x17")), 19);
}

TEST(IdTableTest, AppendThenIndexNumeric) {
  IdTable ids;
  for (int i : {3, 0, 2, 1}) ids.Append("S" + std::to_string(i));
  ASSERT_TRUE(ids.Index());
  EXPECT_TRUE(ids.numeric());
  EXPECT_EQ(ids.Find("S3"), 0);
  EXPECT_EQ(ids.Find("S0"), 1);
  EXPECT_EQ(ids.Find("S03"), IdTable::kNotFound);  // not canonical: never stored
  EXPECT_EQ(ids.Find("S4"), IdTable::kNotFound);
  EXPECT_EQ(ids.Find("T1"), IdTable::kNotFound);
  EXPECT_EQ(ids.Find("S"), IdTable::kNotFound);
  EXPECT_EQ(ids.Find("S-1"), IdTable::kNotFound);
  bool inserted = false;  // Insert after Index switches to the hash table
  EXPECT_EQ(ids.Insert("S9", &inserted), 4);
  EXPECT_TRUE(inserted);
  EXPECT_FALSE(ids.numeric());
  EXPECT_EQ(ids.Find("S2"), 2);
  EXPECT_EQ(ids.Insert("S0", &inserted), 1);
  EXPECT_FALSE(inserted);
}

TEST(IdTableTest, AppendThenIndexIdentityAndHashed) {
  IdTable dense;
  for (int i = 0; i < 1000; ++i) dense.Append("P" + std::to_string(i));
  ASSERT_TRUE(dense.Index());
  EXPECT_TRUE(dense.numeric());
  EXPECT_EQ(dense.Find("P999"), 999);
  EXPECT_EQ(dense.Find("P1000"), IdTable::kNotFound);

  IdTable mixed;  // a leading zero (or sparse numbers) rules out the numeric index
  for (const char* id : {"P1", "P02", "P3"}) mixed.Append(id);
  ASSERT_TRUE(mixed.Index());
  EXPECT_FALSE(mixed.numeric());
  EXPECT_EQ(mixed.Find("P02"), 1);
  EXPECT_EQ(mixed.Find("P2"), IdTable::kNotFound);

  IdTable sparse;
  for (const char* id : {"7", "100000"}) sparse.Append(id);
  ASSERT_TRUE(sparse.Index());
  EXPECT_FALSE(sparse.numeric());
  EXPECT_EQ(sparse.Find("100000"), 1);
}

TEST(IdTableTest, IndexRejectsDuplicates) {
  IdTable numeric;
  for (const char* id : {"S1", "S0", "S1"}) numeric.Append(id);
  EXPECT_FALSE(numeric.Index());
  IdTable hashed;
  for (const char* id : {"anna", "bram", "anna"}) hashed.Append(id);
  EXPECT_FALSE(hashed.Index());
}

}  // namespace
}  // namespace matchio
